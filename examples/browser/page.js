// What both example pages share: element look-up and the two lists they
// append to (#messages and #events), one <li> of <span>s per line.
const $ = (id) => document.getElementById(id);

function addLine(listId, parts) {
  const item = document.createElement("li");
  for (const [className, text] of parts) {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    item.append(span, " ");
  }
  $(listId).append(item);
}

const showEvent = (text, className = "event") => addLine("events", [[className, text]]);

// ws: for a page served over http:, wss: over https:.
const webSocketUrl = (path) => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
