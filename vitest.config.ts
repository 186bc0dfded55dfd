import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    // Real model tests load a 25 MB network once per file; give them room without timing behaviour.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
