// Progressive enhancement only: every page works without JavaScript. The NHS.UK template sets
// these classes with an inline script, which our Content-Security-Policy does not allow.
import { initAll } from "./nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// Reveal the panel that belongs to the chosen radio (e.g. urgent help when someone says there is
// risk). Our own small version of the conditional reveal: the library's marks radios with
// aria-expanded, which radios may not carry.
for (const group of document.querySelectorAll("[data-lw-reveal-group]")) {
  const radios = group.querySelectorAll("input[type=radio]");
  const update = () => {
    for (const radio of radios) {
      const target = radio.dataset.lwReveal && document.getElementById(radio.dataset.lwReveal);
      if (target) target.classList.toggle("nhsuk-radios__conditional--hidden", !radio.checked);
    }
  };
  for (const radio of radios) radio.addEventListener("change", update);
  update();
}

// Stories: a triad's three numbers say their running total as the teller types, so that they
// can make them add up to 100 before sending (the server checks it too; without JavaScript the
// message comes after sending). Text only, through textContent.
for (const triad of document.querySelectorAll("[data-lw-signifier=triad]")) {
  const inputs = triad.querySelectorAll("input[type=number]");
  const status = document.createElement("p");
  status.className = "nhsuk-body-s lw-triad-total";
  status.setAttribute("aria-live", "polite");
  const template = triad.dataset.lwTotal || "Total: {n} of 100";
  const update = () => {
    let total = 0;
    for (const input of inputs) total += Number.parseInt(input.value, 10) || 0;
    status.textContent = template.replace("{n}", String(total));
  };
  for (const input of inputs) input.addEventListener("input", update);
  inputs[inputs.length - 1]?.closest(".nhsuk-form-group")?.after(status);
  update();
}

// A simulation run's page while the run works: ask for its progress every few seconds and write
// the words into the page's polite live region, so the page never reloads by itself (WCAG 2.2.1);
// without JavaScript the page's "Check progress" link does the same. Text only, through
// textContent; polling stops when the run has finished or after repeated failures.
for (const box of document.querySelectorAll("[data-lw-poll]")) {
  const status = box.querySelector("[aria-live]");
  const bar = box.querySelector("progress");
  let failures = 0;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.lwPoll, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const run = await response.json();
      failures = 0;
      if (bar) bar.value = run.percent;
      if (!run.finished) {
        if (status.textContent !== run.text) status.textContent = run.text;
        window.setTimeout(poll, 3000);
        return;
      }
      status.textContent = `${box.dataset.lwPollFinished} `;
      const link = document.createElement("a");
      link.href = box.dataset.lwPollHref;
      link.textContent = box.dataset.lwPollLink;
      status.append(link);
    } catch {
      failures += 1;
      if (failures < 5) window.setTimeout(poll, 3000 * 2 ** failures);
    }
  };
  window.setTimeout(poll, 3000);
}
