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
