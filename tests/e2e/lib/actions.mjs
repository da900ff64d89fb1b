// What a user does, counted: one wrapper around Playwright's click, press, selectOption and
// setInputFiles (typing text is not an action in the count), with a screenshot after each
// action. A task past its aim fails at the action that crosses it.
import { writeFileSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

import { shot } from "./browser.mjs";
import { ARTIFACTS } from "./paths.mjs";

/// The counted actions of one task called `name` (also the screenshots' prefix), aimed at
/// `aim` actions at most.
export function userActions(page, { name, aim }) {
  const steps = [];
  async function act(what, run) {
    steps.push(what);
    if (steps.length > aim) {
      throw new Error(`${name}: action ${steps.length} (${what}) is past the aim of ${aim}: ${steps.join(" → ")}`);
    }
    await run();
    await shot(page, `${name}-${String(steps.length).padStart(2, "0")}`);
  }
  return {
    steps,
    get count() {
      return steps.length;
    },
    click: (selector, what = `click ${selector}`) => act(what, () => page.click(selector)),
    press: (selector, key, what = `press ${key} in ${selector}`) => act(what, () => page.press(selector, key)),
    selectOption: (selector, value, what = `choose ${value} in ${selector}`) =>
      act(what, () => page.selectOption(selector, value)),
    setInputFiles: (selector, files, what = `pick files in ${selector}`) =>
      act(what, () => page.setInputFiles(selector, files)),
    /// Typing text into a field: not counted.
    type: (selector, text) => page.fill(selector, text),
  };
}

/// Adds `{ task: { actions, aim, steps } }` to artifacts/e2e/newcomer-actions.json.
export function recordCount(task, user, aim) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, "newcomer-actions.json");
  const all = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
  all[task] = { actions: user.count, aim, steps: user.steps };
  writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`);
}
