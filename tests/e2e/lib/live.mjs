// The live-account pieces of the page: resource pickers, the deployed-Worker diff.
import { field, fieldId, verifyToken, waitFor } from "./app.mjs";

/// Opens the picker under the field of `at` (if closed) and waits for its list to be read.
export async function openPicker(page, at) {
  const base = `#${fieldId(at)}-pick`;
  if ((await page.getAttribute(base, "aria-expanded")) !== "true") await page.click(base);
  await page.waitForSelector(`${base}-panel`);
  await page.waitForFunction(
    (panel) => !/Loading/.test(document.querySelector(panel)?.textContent ?? "Loading"),
    `${base}-panel`,
  );
  return base;
}

/// Creates a resource called `name` from the picker under `at`; returns the status text.
export async function createFromPicker(page, at, name) {
  const base = await openPicker(page, at);
  await page.fill(`${base}-new`, name);
  await page.click(`${base}-create`);
  await waitFor(async () => (await page.inputValue(`#${fieldId(at)}`)) !== "", {
    message: `the field ${at} filled by the created resource`,
  });
  return page.textContent(`${base}-panel .picker-created`).catch(() => "");
}

/// The resources the picker under `at` lists: `{ label, value }` each.
export async function pickerItems(page, at) {
  const base = await openPicker(page, at);
  return page.$$eval(`${base}-list .picker-item`, (items) =>
    items.map((item) => ({ label: item.querySelector(".picker-label")?.textContent, value: item.dataset.value })),
  );
}

/// The diff's sentence about the binding `name` (waits until it is shown).
export async function diffLine(page, name) {
  const selector = `#diff li[data-name="${name}"]`;
  await page.waitForSelector(selector);
  return (await page.textContent(`${selector} > span`)).trim();
}

/// Every text of the page a user or a script could read: the markup and every field's value.
export function pageText(page) {
  return page.evaluate(() =>
    [document.documentElement.outerHTML, ...Array.from(document.querySelectorAll("input, textarea, select"), (el) => el.value)].join("\n"),
  );
}

/// Verifies `token`, then chooses `account` in the account chooser that verifying offers and
/// waits for it to fill the request's account id.
export async function verifyAndChooseAccount(page, token, account) {
  await verifyToken(page, token);
  await page.waitForSelector("#account-choice");
  await page.selectOption("#account-choice", account);
  await waitFor(async () => (await page.inputValue(field("request.account_id"))) === account, {
    message: "the account id filled from the chooser",
  });
}
