// Demo page logic: no build step. Loads the fleet's client options (/client-options.js: the same
// object as the stack's `clientOptions` output), then the Socket.IO client from the fleet itself,
// and connects with exactly those options. `?transports=` overrides only the transports (a demo
// knob for trying one transport at a time).
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var fleet = params.get("fleet") || window.location.origin;
  var transports = params.get("transports");
  var $ = function (id) {
    return document.getElementById(id);
  };
  $("fleet").textContent = fleet;

  var base = fleet.replace(/\/$/, "");

  function load(src, onload) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = onload;
    script.onerror = function () {
      $("status").textContent = "cannot load " + src;
    };
    document.head.appendChild(script);
  }

  load(base + "/client-options.js", function () {
    var path = window.socketIoFleetClientOptions.path;
    load(base + path + "socket.io.js", start);
  });

  function start() {
    var options = Object.assign({}, window.socketIoFleetClientOptions);
    if (transports) options.transports = transports.split(",");
    // What io() was given, for tests and the console (a copy: the client adds its own fields).
    window.fleetClientOptions = JSON.parse(JSON.stringify(options));
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
