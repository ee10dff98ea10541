/**
 * The operation list beside an operation page, in the browser: fetched
 * from the version's `operations.json` (one file the browser caches for
 * every operation page) instead of repeated in each page's HTML. Without
 * JavaScript the page keeps its link to the API page, which lists them all.
 */
import { methodColourClass, methodLabelHtml } from "./method-badge.ts";

type NavOperation = [method: string, path: string, summary: string, slug: string, deprecated: 0 | 1];
interface NavData {
  tags: Array<{ tag: string | null; operations: NavOperation[] }>;
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function render(nav: HTMLElement, data: NavData, base: string, current: string, filterLabel: string, otherLabel: string): void {
  const groups = data.tags
    .map((group) => {
      const holdsCurrent = group.operations.some((o) => o[3] === current);
      const items = group.operations
        .map(([method, path, summary, slug, deprecated]) => {
          return (
            `<li data-text="${escape(`${method} ${path} ${summary}`.toLowerCase())}"><a href="${escape(`${base}/operations/${slug}`)}"` +
            `${slug === current ? ' aria-current="page"' : ""}${deprecated ? ' class="op-nav-deprecated"' : ""}>` +
            `<span class="op-nav-method ${methodColourClass(method)}">${methodLabelHtml(method)}</span>` +
            `<span class="op-nav-summary">${escape(summary)}</span></a></li>`
          );
        })
        .join("");
      const open = holdsCurrent || data.tags.length === 1 ? " open" : "";
      return `<details class="op-nav-group"${open}><summary>${escape(group.tag ?? otherLabel)} <span class="op-nav-count">${group.operations.length}</span></summary><ul>${items}</ul></details>`;
    })
    .join("");
  const list = document.createElement("div");
  list.className = "op-nav-list";
  list.innerHTML =
    `<label class="sr-only" for="op-nav-filter">${escape(filterLabel)}</label>` +
    `<input id="op-nav-filter" class="op-nav-filter" type="search" placeholder="${escape(filterLabel)}" autocomplete="off">` +
    groups;
  nav.append(list);

  const here = list.querySelector<HTMLElement>('[aria-current="page"]');
  if (here) nav.scrollTop = Math.max(0, here.offsetTop - nav.clientHeight / 2);

  const input = list.querySelector<HTMLInputElement>("input")!;
  const details = [...list.querySelectorAll<HTMLDetailsElement>("details")];
  const initiallyOpen = details.map((d) => d.open);
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    details.forEach((d, i) => {
      let shown = 0;
      for (const li of d.querySelectorAll<HTMLElement>("li")) {
        const match = q === "" || (li.dataset.text ?? "").includes(q);
        li.hidden = !match;
        if (match) shown++;
      }
      d.hidden = shown === 0;
      d.open = q === "" ? initiallyOpen[i]! : true;
    });
  });
}

export function mountOperationNav(): void {
  const nav = document.querySelector<HTMLElement>("[data-op-nav]");
  if (!nav) return;
  const { opNav, base = "", current = "", filterLabel = "Filter", otherLabel = "Other operations" } = nav.dataset;
  if (!opNav) return;
  fetch(opNav, { credentials: "same-origin" })
    .then((r) => (r.ok ? (r.json() as Promise<NavData>) : undefined))
    .then((data) => {
      if (data) render(nav, data, base, current, filterLabel, otherLabel);
    })
    .catch(() => {
      // The link to the API page stays: it lists every operation.
    });
}
