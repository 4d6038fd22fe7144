/* Reception: QR card scanning with the browser's camera, and a clean search box after each
   check-in. The page works without this file: the search is a plain form, USB and Bluetooth
   barcode readers type the card code into the search box, and card_lookup takes ?code=. */
(function () {
  "use strict";

  // A family card code: 24 characters of base32 (families.services.new_card_token).
  var TOKEN = /^[A-Z2-7]{24}$/;

  function searchBox() {
    return document.querySelector("[data-reception-search]");
  }

  // The code from what the camera read: the bare code, or a link carrying it as ?code= or
  // as the last part of its path.
  function tokenFrom(raw) {
    var text = String(raw || "").trim();
    if (TOKEN.test(text.toUpperCase())) { return text.toUpperCase(); }
    var url;
    try { url = new URL(text); } catch (error) { return null; }
    var candidates = [url.searchParams.get("code") || ""];
    var parts = url.pathname.split("/").filter(Boolean);
    if (parts.length) { candidates.push(parts[parts.length - 1]); }
    for (var i = 0; i < candidates.length; i++) {
      if (TOKEN.test(candidates[i].toUpperCase())) { return candidates[i].toUpperCase(); }
    }
    return null;
  }

  function scannerSupported() {
    var media = navigator.mediaDevices;
    if (!("BarcodeDetector" in window) || !media || !media.getUserMedia ||
        typeof HTMLDialogElement === "undefined") {
      return Promise.resolve(false);
    }
    if (typeof window.BarcodeDetector.getSupportedFormats !== "function") {
      return Promise.resolve(true);
    }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") !== -1;
    }, function () { return false; });
  }

  function Scanner(dialog, lookupUrl) {
    this.dialog = dialog;
    this.lookupUrl = lookupUrl;
    this.video = dialog.querySelector("[data-scanner-video]");
    this.status = dialog.querySelector("[data-scanner-status]");
    this.error = dialog.querySelector("[data-scanner-error]");
    this.stream = null;
    this.running = false;
    var self = this;
    dialog.querySelector("[data-scanner-close]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () { self.stop(); });
  }

  Scanner.prototype.start = function () {
    var self = this;
    this.detector = this.detector || new window.BarcodeDetector({ formats: ["qr_code"] });
    this.running = true;
    this.error.classList.add("visually-hidden");
    this.status.hidden = false;
    this.dialog.showModal();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        if (!self.running) { stream.getTracks().forEach(function (t) { t.stop(); }); return null; }
        self.stream = stream;
        self.video.srcObject = stream;
        return self.video.play().then(function () { self.tick(); });
      })
      .catch(function () { self.fail(); });
  };

  Scanner.prototype.tick = function () {
    var self = this;
    if (!this.running) { return; }
    this.detector.detect(this.video).then(function (codes) {
      for (var i = 0; i < codes.length; i++) {
        var token = tokenFrom(codes[i].rawValue);
        if (token) { self.found(token); return; }
      }
      window.setTimeout(function () { self.tick(); }, 150);
    }, function () {
      window.setTimeout(function () { self.tick(); }, 300);
    });
  };

  Scanner.prototype.found = function (token) {
    var box = searchBox();
    if (box) { box.value = token; }
    this.dialog.close();
    window.location.assign(this.lookupUrl + "?code=" + encodeURIComponent(token));
  };

  Scanner.prototype.fail = function () {
    this.stop();
    this.status.hidden = true;
    this.error.classList.remove("visually-hidden");
  };

  Scanner.prototype.stop = function () {
    this.running = false;
    if (this.stream) {
      this.stream.getTracks().forEach(function (track) { track.stop(); });
      this.stream = null;
    }
    this.video.srcObject = null;
    var box = searchBox();
    if (box && !this.dialog.open) { box.focus(); }
  };

  function wireScanner() {
    var button = document.querySelector("[data-card-scan]");
    var dialog = document.querySelector("[data-scanner]");
    if (!button || !dialog) { return; }
    scannerSupported().then(function (supported) {
      if (!supported) { return; }
      var scanner = new Scanner(dialog, button.getAttribute("data-lookup-url"));
      button.hidden = false;
      button.addEventListener("click", function () { scanner.start(); });
    });
  }

  // After a check-in (the server sends HX-Trigger: hiroba:checked-in) the box is emptied and
  // focused, ready for the next family or the next card read.
  function wireResetAfterCheckIn() {
    document.body.addEventListener("hiroba:checked-in", function () {
      var box = searchBox();
      if (!box) { return; }
      box.value = "";
      box.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireScanner();
    wireResetAfterCheckIn();
  });
})();
