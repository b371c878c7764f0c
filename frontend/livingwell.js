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
