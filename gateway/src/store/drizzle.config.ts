/**
 * drizzle-kit configuration: `npm run db:generate` diffs schema.ts against the
 * last snapshot in migrations/ and writes the next migration there. The
 * migrations are committed and applied by `openStore()` at start, so a
 * schema change ships as a schema edit plus its generated migration.
 *
 * Paths are relative to the repository root, where npm runs the script.
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  // `turso` is drizzle-kit's name for libSQL, which is what both the default
  // file database and a remote PORTICO_DB_URL speak.
  dialect: "turso",
  schema: "./gateway/src/store/schema.ts",
  out: "./gateway/src/store/migrations",
  strict: true,
  verbose: true,
});
