export function render(path) {
  return `rendered ${path}`;
}
