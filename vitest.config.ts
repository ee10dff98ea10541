import { defineConfig } from "vitest/config";

// Unit tests sit beside their code; integration and browser tests start real
// processes on free ports, so they get longer timeouts and run in forks.
export default defineConfig({
  test: {
    include: ["gateway/**/*.test.ts", "src/**/*.test.ts", "test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
