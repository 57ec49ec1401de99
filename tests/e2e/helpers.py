"""Small steps the e2e tests share."""
import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "demo1234"

# What a finger must be able to hit on a phone (issue 14: 查看 was 24 px tall, order checkboxes 22×22).
MIN_TAP = 40
# Every visible control, button-like link and link standing on its own, with its box; a checkbox or
# radio counts its label's box (a tap on the label ticks it). A link inside running text (a paragraph,
# a sentence in a cell) is exempt, as WCAG 2.5.8 exempts inline targets.
SMALL_TARGETS = """(min) => {
  const small = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && r.right > 0 && r.left < innerWidth
      && !el.closest(".visually-hidden, [hidden], .skip-link");
  };
  const inText = (a) => {
    if (getComputedStyle(a).display !== "inline") return false;
    const parent = a.parentElement;
    return parent && parent.textContent.trim().length > a.textContent.trim().length + 1;
  };
  const describe = (el, r) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).trim().replace(/\\s+/g, ".") : ""}`
    + ` "${(el.textContent || el.value || el.name || "").trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`;
  const controls = "button, .button, input:not([type=hidden]), select, textarea, summary, a[href]";
  for (const el of document.querySelectorAll(controls)) {
    if (!visible(el) || el.closest(".tabbar")) continue;
    if (el.tagName === "A" && !el.classList.contains("button") && inText(el)) continue;
    let r = el.getBoundingClientRect();
    if (el.type === "checkbox" || el.type === "radio") {
      const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label && visible(label)) {
        const l = label.getBoundingClientRect();
        if (l.height >= min && l.width >= min) continue;
      }
      if (r.height < min || r.width < min) small.push(describe(el, r));
      continue;
    }
    if (r.height < min) small.push(describe(el, r));
  }
  return small;
}"""


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("你好")


def logout(page: Page) -> None:
    # 退出 is under 我的 (on a phone its tab, on a desktop the name in the top bar), and asks first.
    page.goto("/me")
    page.locator("main").get_by_role("link", name="退出", exact=True).click()
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def choose(select, text: str) -> None:
    """Pick the option containing ``text`` (tree options are indented, so labels aren't exact)."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)
