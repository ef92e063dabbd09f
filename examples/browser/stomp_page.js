// @stomp/stompjs (the global `StompJs` of its UMD bundle) connected to the
// gantryd that served this page: STOMP 1.2, 1.1 or 1.0 over WebSocket.
const client = new StompJs.Client({
  brokerURL: webSocketUrl("/stomp"),
  onConnect: (frame) => { $("status").textContent = `connected (STOMP ${frame.headers.version})`; },
  onWebSocketClose: () => { $("status").textContent = "disconnected"; },
  onStompError: (frame) => showEvent(`error: ${frame.headers.message} ${frame.body}`, "error"),
});
client.activate();

let receipts = 0;

// Runs `done` when the broker answers the frame sent with the returned
// receipt id, that is once it has processed that frame.
function receipt(done) {
  const id = `receipt-${++receipts}`;
  client.watchForReceipt(id, () => done(id));
  return id;
}

// stompjs throws when asked to send while it is not connected.
function connected() {
  if (!client.connected) showEvent("not connected", "error");
  return client.connected;
}

$("subscribe").addEventListener("click", () => {
  if (!connected()) return;
  const destination = $("subscribe-destination").value;
  const id = receipt((r) => showEvent(`subscribed to ${destination} (${r})`));
  client.subscribe(destination, (message) => {
    addLine("messages", [["destination", message.headers.destination], ["body", message.body]]);
  }, { receipt: id });
});

$("send").addEventListener("click", () => {
  if (!connected()) return;
  const destination = $("send-destination").value;
  const id = receipt((r) => showEvent(`sent to ${destination} (${r})`));
  client.publish({ destination, body: $("send-body").value, headers: { receipt: id } });
});
