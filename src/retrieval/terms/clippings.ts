/**
 * Clipped words read as the word they shorten, so that "How do I run the evaluation?" meets
 * "`npm run eval`", "Where is the repo?" meets "the repository" and "the prod database" meets "the
 * production db". Team documents and the people asking about them use both forms freely, and no
 * stemmer joins them ("eval" / "evalu"). Pure.
 *
 * A hand list of common clippings, like the irregular verbs in inflections.ts. Left out on purpose:
 * clippings that are as often another word or a name ("max", "min", "temp", "sec", "ad", "hr", "ref", "auth"
 * (authentication or authorization), "exec", "req", "pro", "bio", "vet", "con").
 */
const CLIPPINGS = [
  // Software and operations.
  "app application",
  "arg argument",
  "async asynchronous",
  "cert certificate",
  "config configuration",
  "creds credentials",
  "db database",
  "dep dependency",
  "deps dependencies",
  "dev development",
  "devs developers",
  "dir directory",
  "doc documentation",
  "docs documentation",
  "env environment",
  "eval evaluation",
  "func function",
  "impl implementation",
  "infra infrastructure",
  "lib library",
  "libs libraries",
  "msg message",
  "param parameter",
  "perf performance",
  "perms permissions",
  "pkg package",
  "prod production",
  "repo repository",
  "spec specification",
  "stats statistics",
  "sync synchronization",
  "var variable",
  // Everyday and business English.
  "approx approximately",
  "dept department",
  "demo demonstration",
  "exam examination",
  "govt government",
  "hrs hours",
  "info information",
  "intl international",
  "intro introduction",
  "lab laboratory",
  "maths mathematics",
  "math mathematics",
  "memo memorandum",
  "mgmt management",
  "mins minutes",
  "org organization",
  "phone telephone",
  "photo photograph",
  "pic picture",
  "pics pictures",
  "tech technology",
  "uni university",
  "univ university",
];

const FULL_WORD = build();

function build(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of CLIPPINGS) {
    const [clipped, full] = line.split(" ") as [string, string];
    map.set(clipped, full);
    // "repos", "configs", "apps": the plural of a clipping is read as the full word's (the stemmer merges them).
    if (!clipped.endsWith("s") && !map.has(`${clipped}s`)) map.set(`${clipped}s`, full);
  }
  return map;
}

/** The word a clipping shortens ("repo" -> "repository"); any other word as it is. Lower-case input. */
export function unclipped(word: string): string {
  return FULL_WORD.get(word) ?? word;
}
