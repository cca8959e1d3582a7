// A small time-series line chart on a canvas: one line per series over a sliding window.
// window.SynclineChart.draw(canvas, [{name, points: [[timeMillis, value], ...]}], {windowMs, unit, now})
(function () {
  'use strict';
  var COLORS = ['#2b6cb0', '#2f855a', '#b7791f', '#9b2c2c', '#6b46c1', '#2c7a7b', '#c05621', '#4a5568'];

  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * p >= v) { return steps[i] * p; }
    }
    return 10 * p;
  }

  function label(v, unit) {
    var text = Math.abs(v) >= 10000 ? (v / 1000).toFixed(0) + 'k' : (Math.round(v * 100) / 100).toString();
    return unit ? text + ' ' + unit : text;
  }

  function draw(canvas, series, options) {
    var ratio = window.devicePixelRatio || 1;
    var cssWidth = canvas.clientWidth || canvas.width;
    var cssHeight = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(cssWidth * ratio)) {
      canvas.width = Math.round(cssWidth * ratio);
      canvas.height = Math.round(cssHeight * ratio);
    }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    var left = 64, right = 120, top = 10, bottom = 24;
    var w = cssWidth - left - right, h = cssHeight - top - bottom;
    var now = options.now, from = now - options.windowMs;
    var max = 0, samples = 0;
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (p[0] >= from && p[1] !== null) { max = Math.max(max, p[1]); samples++; }
      });
    });
    max = niceMax(max);
    ctx.font = '11px system-ui, sans-serif';
    ctx.strokeStyle = '#e4e7eb';
    ctx.fillStyle = '#7b8794';
    ctx.lineWidth = 1;
    for (var i = 0; i <= 4; i++) {
      var y = top + h - h * i / 4;
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + w, y); ctx.stroke();
      ctx.textAlign = 'right';
      ctx.fillText(label(max * i / 4, options.unit), left - 6, y + 4);
    }
    ctx.textAlign = 'center';
    for (var k = 0; k <= 5; k++) {
      var x = left + w * k / 5;
      var ago = options.windowMs * (5 - k) / 5;
      ctx.fillText(k === 5 ? 'now' : ago >= 60000 ? '-' + (ago / 60000).toFixed(ago % 60000 ? 1 : 0) + ' min'
        : '-' + Math.round(ago / 1000) + ' s', x, top + h + 16);
    }
    series.forEach(function (s, index) {
      var color = COLORS[index % COLORS.length];
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      var started = false;
      s.points.forEach(function (p) {
        if (p[0] < from) { return; }
        if (p[1] === null) { started = false; return; }
        var px = left + w * (p[0] - from) / options.windowMs;
        var py = top + h - h * Math.min(p[1], max) / max;
        if (started) { ctx.lineTo(px, py); } else { ctx.moveTo(px, py); started = true; }
      });
      ctx.stroke();
      ctx.fillStyle = color;
      ctx.textAlign = 'left';
      var last = s.points.length ? s.points[s.points.length - 1][1] : null;
      ctx.fillText(s.name + (last === null ? '' : ': ' + label(last, options.unit)), left + w + 8, top + 12 + index * 16);
    });
    if (samples === 0) {
      ctx.fillStyle = '#9aa5b1';
      ctx.textAlign = 'center';
      ctx.fillText('no samples yet', left + w / 2, top + h / 2);
    }
    // For people and tests alike: how many samples the chart shows and when it was drawn.
    canvas.setAttribute('data-samples', String(samples));
    canvas.setAttribute('data-drawn-at', String(now));
  }

  window.SynclineChart = { draw: draw };
}());
