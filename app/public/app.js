// Demo page logic: no build step. Loads the Socket.IO client from the fleet itself, then
// connects with credentials (the sticky cookie must travel on cross-origin requests too).
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var fleet = params.get("fleet") || window.location.origin;
  var transports = params.get("transports");
  var $ = function (id) {
    return document.getElementById(id);
  };
  $("fleet").textContent = fleet;

  var script = document.createElement("script");
  script.src = fleet.replace(/\/$/, "") + "/socket.io/socket.io.js";
  script.onload = start;
  script.onerror = function () {
    $("status").textContent = "cannot load the client from " + fleet;
  };
  document.head.appendChild(script);

  function start() {
    var options = { withCredentials: true };
    if (transports) options.transports = transports.split(",");
    var socket = window.io(fleet, options);
    window.fleetSocket = socket; // for tests and the console

    socket.on("connect", function () {
      $("status").textContent = "connected";
      $("transport").textContent = socket.io.engine.transport.name;
      socket.io.engine.on("upgrade", function (t) {
        $("transport").textContent = t.name;
      });
      socket.emit("whoami", function (reply) {
        $("node").textContent = reply.nodeId;
        document.body.dataset.nodeId = reply.nodeId;
      });
    });
    socket.on("connect_error", function (err) {
      $("status").textContent = "error: " + err.message;
    });
    socket.on("disconnect", function (reason) {
      $("status").textContent = "disconnected (" + reason + ")";
      if (reason === "io server disconnect") socket.connect();
    });
    socket.on("message", function (msg) {
      var li = document.createElement("li");
      var node = document.createElement("span");
      node.className = "node";
      node.textContent = "[" + msg.nodeId + "] ";
      li.appendChild(node);
      li.appendChild(
        document.createTextNode(
          typeof msg.payload === "string" ? msg.payload : JSON.stringify(msg.payload),
        ),
      );
      $("messages").appendChild(li);
    });
    $("send").addEventListener("submit", function (event) {
      event.preventDefault();
      socket.emit("message", $("text").value);
      $("text").value = "";
    });
  }
})();
