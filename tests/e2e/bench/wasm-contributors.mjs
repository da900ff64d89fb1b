// Reads `twiggy top -f csv` of the wasm (built with its names kept) on standard input and prints
// what weighs in it: the largest items, then the bytes per crate. The name section itself is
// left out (the shipped file has none). An item counts for the crate its path starts with
// (`<yew::… as …>` for yew, `<f64 as core::fmt::Display>` for core, where Rust put the code);
// data segments and imports by kind.
// Usage: make wasm-contributors (part of make bench); arguments: a title for the wasm, and
// optionally `--absent a,b,c`: fail when an item's name matches one of these regular expressions
// (the importers' code that must stay out of the page's wasm).
import { text } from "node:stream/consumers";

function parseCsvLine(line) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const isNameSection = (name) => /subsection$/.test(name) || name === "custom section 'name'";

/// The crate of a path (`core[c5930c85a12de822]::fmt` → core), or null when it has none.
function crateOf(path) {
  const match = /^(?:dyn |&mut |&|\*const |\*mut )?([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(path);
  return match ? match[1] : null;
}

/// A name as people read it: without the crates' disambiguators (`yew[b06ffca204000a23]`) and
/// the symbol hash at the end (`::h0123456789abcdef`).
const readable = (name) => name.replace(/\[[0-9a-f]{16}\]/g, "").replace(/::h[0-9a-f]{16}$/, "");

function owner(name) {
  // A component's `view` is compiled inside yew's lifecycle, generic over the component: it is
  // the app's code (when the build keeps the type in the name).
  if (/^<yew::html::component::lifecycle::CompStateInner<bindery::/.test(name)) return "bindery (component views)";
  if (name.startsWith("data segment") || /^data\[\d+\]$/.test(name)) return "(data segments)";
  if (name.startsWith("custom section")) return "(custom sections)";
  if (name.startsWith("import ")) return "(imports)";
  if (name.startsWith("<")) {
    // `<Type as Trait>::f`: the type's crate, or the trait's for a primitive or generic type.
    const [type, trait] = name.slice(1).split(" as ");
    return crateOf(type) ?? (trait && crateOf(trait)) ?? "(other)";
  }
  return crateOf(name) ?? "(other)";
}

const lines = (await text(process.stdin)).split("\n").filter(Boolean);
const header = parseCsvLine(lines.shift());
const nameAt = header.indexOf("Name");
const bytesAt = header.indexOf("ShallowSize");
if (nameAt < 0 || bytesAt < 0) throw new Error(`unexpected twiggy CSV header: ${header}`);
const items = lines
  .map(parseCsvLine)
  .map((cells) => ({ name: readable(cells[nameAt]), bytes: Number(cells[bytesAt]) }))
  .filter(({ name, bytes }) => Number.isFinite(bytes) && !name.startsWith("Σ") && !isNameSection(name));
const total = items.reduce((sum, { bytes }) => sum + bytes, 0);
const row = (bytes, label) =>
  `${(bytes / 1024).toFixed(1).padStart(8)} KB ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${label}`;

const [title = "the wasm", flag, absentList] = process.argv.slice(2);
console.log(`${title}: largest items (twiggy, names kept; ${(total / 1024).toFixed(1)} KB without the name section)`);
for (const { name, bytes } of [...items].sort((a, b) => b.bytes - a.bytes).slice(0, 20)) {
  console.log(row(bytes, name.length > 110 ? `${name.slice(0, 107)}...` : name));
}
const byCrate = new Map();
for (const { name, bytes } of items) byCrate.set(owner(name), (byCrate.get(owner(name)) ?? 0) + bytes);
console.log("\nby crate");
for (const [crate, bytes] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(row(bytes, crate));

if (flag === "--absent") {
  const absent = absentList.split(",").filter(Boolean);
  const found = items.filter(({ name }) => absent.some((part) => new RegExp(part).test(name)));
  if (found.length > 0) {
    console.error(`\n${title} has code that belongs to the import worker:`);
    for (const { name, bytes } of found.slice(0, 20)) console.error(row(bytes, name));
    process.exit(1);
  }
  console.log(`\nnone of ${absent.join(", ")} in ${title}`);
}
