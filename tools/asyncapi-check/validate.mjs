// Validates an AsyncAPI document with the AsyncAPI project's own parser: node validate.mjs docs/asyncapi.yaml
// Exits 1 on any diagnostic of severity error (0), printing every diagnostic with its path.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"), { source: file });
for (const d of diagnostics) {
  const severity = ["error", "warning", "info", "hint"][d.severity];
  console.log(`${severity}: ${d.code}: ${d.message} at ${d.path.join(".")}`);
}
const errors = diagnostics.filter((d) => d.severity === 0);
if (errors.length || !document) {
  console.error(`${file}: ${errors.length} error(s)`);
  process.exit(1);
}
const channels = document.channels().length;
const messages = document.messages().length;
console.log(`${file}: valid AsyncAPI ${document.version()}, ${channels} channels, ${messages} messages`);
