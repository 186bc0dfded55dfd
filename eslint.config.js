// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "index/",
      "bench/",
      "data/",
      "models/",
      "coverage/",
      "tests/fixtures/**/*.onnx",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        performance: "readonly",
        URL: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  {
    // The Slack layer is transport only: it must reach the engine through the answer service.
    files: ["src/slack/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["hnswlib-node", "langchain", "langchain/*", "@langchain/*", "@xenova/*", "@energetic-ai/*"],
              message: "src/slack talks to the engine only through the answer service.",
            },
            {
              group: ["**/index/**", "**/embeddings/**", "**/retrieval/**"],
              message: "src/slack talks to the engine only through the answer service.",
            },
          ],
        },
      ],
    },
  },
);
