// Builds frontend/build/: our CSS (NHS.UK frontend compiled with our settings), the NHS.UK
// frontend JavaScript module and its image assets. Everything comes from node_modules; nothing is
// fetched at run time and nothing third-party is referenced from the pages.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, "frontend", "build");
const nhsuk = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "nhsuk"), { recursive: true });

const result = sass.compile(join(root, "frontend", "livingwell.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(out, "livingwell.css"), result.css);
cpSync(join(nhsuk, "nhsuk-frontend.min.js"), join(out, "nhsuk", "nhsuk-frontend.min.js"));
cpSync(join(nhsuk, "assets"), join(out, "nhsuk", "assets"), { recursive: true });
cpSync(join(root, "frontend", "livingwell.js"), join(out, "livingwell.js"));
cpSync(join(root, "frontend", "favicon.svg"), join(out, "favicon.svg"));
console.log("frontend built:", out);
