// MQTT.js (the global `mqtt` of its browser bundle) connected to the gantryd
// that served this page: MQTT 3.1.1 over WebSocket, subprotocol "mqtt".
const client = mqtt.connect(webSocketUrl("/mqtt"), {
  clientId: "browser-" + Math.random().toString(16).slice(2, 10),
});

client.on("connect", () => { $("status").textContent = "connected"; });
client.on("reconnect", () => { $("status").textContent = "reconnecting"; });
client.on("close", () => { $("status").textContent = "disconnected"; });
client.on("error", (error) => showEvent(`error: ${error.message}`, "error"));

client.on("message", (topic, payload, packet) => {
  const parts = [["topic", topic], ["qos", `QoS ${packet.qos}`]];
  if (packet.retain) parts.push(["retained", "retained"]);
  parts.push(["payload", payload.toString()]);
  addLine("messages", parts);
});

$("subscribe").addEventListener("click", () => {
  const topic = $("subscribe-topic").value;
  client.subscribe(topic, { qos: Number($("subscribe-qos").value) }, (error, granted) => {
    if (error) return showEvent(`subscribe to ${topic} failed: ${error.message}`, "error");
    // A granted QoS of 128 is the broker's refusal (MQTT 3.1.1, 3.9.3).
    for (const g of granted) {
      if (g.qos === 128) showEvent(`subscribe to ${g.topic} refused`, "error");
      else showEvent(`subscribed to ${g.topic} with QoS ${g.qos}`);
    }
  });
});

$("publish").addEventListener("click", () => {
  const topic = $("publish-topic").value;
  const qos = Number($("publish-qos").value);
  const retain = $("publish-retain").checked;
  client.publish(topic, $("publish-payload").value, { qos, retain }, (error) => {
    if (error) return showEvent(`publish to ${topic} failed: ${error.message}`, "error");
    // For QoS 1 and 2 the callback runs once the broker acknowledged.
    const how = qos === 0 ? "sent" : "acknowledged";
    showEvent(`published to ${topic} with QoS ${qos}${retain ? ", retained" : ""} (${how})`);
  });
});
