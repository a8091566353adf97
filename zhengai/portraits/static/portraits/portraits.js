// Portrait charts over Apache ECharts (npm, /static/vendor/): a trend with its warning lines.
window.ZhenGai = window.ZhenGai || {};
(function (Z) {
  var COLOURS = { 0: "#d4a017", 1: "#e67e22", 2: "#c0392b", 3: "#2e7d32" };
  Z.trendChart = function (id, dataId) {
    var node = document.getElementById(dataId), el = document.getElementById(id);
    if (!node || !el || !window.echarts) return;
    var d = JSON.parse(node.textContent), chart = echarts.init(el);
    window.addEventListener("resize", function () { chart.resize(); });
    var lines = (d.lines || []).map(function (l, i) {
      return { name: l.name, yAxis: l.value, lineStyle: { color: COLOURS[i] || "#888", type: "dashed" },
               label: { formatter: l.name + " " + l.value, position: "insideEndTop", fontSize: 10 } };
    });
    var all = d.values.concat((d.lines || []).map(function (l) { return l.value; }));
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + (d.unit ? " " + d.unit : ""); } },
      grid: { left: 48, right: 24, top: 24, bottom: 32 },
      xAxis: { type: "category", data: d.labels },
      yAxis: { type: "value", scale: true, min: Math.floor(Math.min.apply(null, all) * 0.95), max: Math.ceil(Math.max.apply(null, all) * 1.05) },
      series: [{ type: "line", name: d.name, data: d.values, smooth: true, markLine: { symbol: "none", silent: true, data: lines } }]
    });
    el.dataset.rendered = "true";
  };
})(window.ZhenGai);
(function (Z) {
  var GRADE = { red: "#c0392b", orange: "#e67e22", yellow: "#d4a017" };
  function mount(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var chart = echarts.getInstanceByDom(el) || echarts.init(el);
    if (!el.dataset.rendered) window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.rendered = "true";
    return chart;
  }
  function read(id) { var n = document.getElementById(id); return n ? JSON.parse(n.textContent) : null; }
  // The big loop's ten phases, planning (blues) → doing (green) → diagnosing (amber) → improving (purples).
  var PHASE = { goal: "#9ecae1", standard: "#6baed6", design: "#4292c6", organize: "#2171b5", implement: "#41ab5d",
                diagnose: "#f0a30a", incentive: "#bcbddc", learn: "#9e9ac8", innovate: "#807dba", improve: "#6a51a3" };
  // Large display (大屏): light text on the dark page, larger labels.
  function wall() { var c = document.getElementById("cockpit"); return !!(c && c.classList.contains("wall")); }
  function ink() { return wall() ? { color: "#e6edf5", fontSize: 16 } : {}; }
  // Stacked bars: d.labels (categories), d.series [{name, grade | phase, values}].
  Z.drawStacked = function (id, d) {
    var chart = mount(id);
    if (!d || !chart) return;
    var text = ink(), axis = { axisLabel: text, axisLine: { lineStyle: { color: wall() ? "#8ea3b8" : undefined } } };
    chart.setOption({
      textStyle: text, tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: text },
      grid: { left: 40, right: 16, top: d.series.length > 4 ? 56 : 32, bottom: 40 },
      xAxis: Object.assign({ type: "category", data: d.labels }, axis), yAxis: Object.assign({ type: "value", minInterval: 1 }, axis),
      series: d.series.filter(function (s) { return s.values.some(function (v) { return v; }); }).map(function (s) {
        return { type: "bar", stack: "all", name: s.name, data: s.values, itemStyle: { color: s.grade ? GRADE[s.grade] : PHASE[s.phase] } };
      })
    }, true);
  };
  Z.stackedBars = function (id, dataId) { Z.drawStacked(id, read(dataId)); };
  // Heat map department × 诊断点; clicking a row opens the department's portrait.
  Z.heatMap = function (id, dataId) {
    var d = read(dataId), chart = mount(id);
    if (!d || !chart) return;
    chart.setOption({
      tooltip: { position: "top", formatter: function (p) { return d.y[p.value[1]] + " · " + d.x[p.value[0]] + ": " + p.value[2]; } },
      grid: { left: 120, right: 16, top: 16, bottom: 96 },
      xAxis: { type: "category", data: d.x, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "category", data: d.y },
      visualMap: { min: d.min, max: d.max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#c0392b", "#f5d76e", "#2e7d32"] } },
      series: [{ type: "heatmap", data: d.cells, label: { show: true } }]
    });
    chart.on("click", function (p) { if (d.links[p.value[1]]) window.location.href = d.links[p.value[1]]; });
  };
  // The cockpit: draws its figures, then asks the page's JSON source for fresh ones every ``every`` ms.
  Z.cockpit = function (dataId, every) {
    var root = document.querySelector("[data-source]");
    function get(d, path) { return path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, d); }
    function draw(d) {
      document.querySelectorAll("[data-field]").forEach(function (el) {
        // Counts grouped by thousands as the server renders them (25,339); texts as they come.
        var v = get(d, el.dataset.field);
        el.textContent = v == null ? "—" : typeof v === "number" ? v.toLocaleString(document.documentElement.lang || undefined) : v;
      });
      Z.drawStacked("cockpit-levels", { labels: d.warnings.levels, series: d.warnings.series });
      Z.drawStacked("cockpit-time", d.over_time);
      if (d.cycles && d.cycles.total) Z.drawStacked("cockpit-cycles", d.cycles.chart);
    }
    var last = read(dataId);
    draw(last);
    // Full screen on the display at hand: the cockpit alone, in the large-display look.
    var button = document.querySelector("[data-fullscreen]");
    if (button && root && root.requestFullscreen) {
      button.hidden = false;
      button.addEventListener("click", function () { root.requestFullscreen(); });
      document.addEventListener("fullscreenchange", function () {
        root.classList.toggle("wall", document.fullscreenElement === root);
        draw(last);
        ["cockpit-levels", "cockpit-time", "cockpit-cycles"].forEach(function (id) {
          var el = document.getElementById(id), c = el && echarts.getInstanceByDom(el); if (c) c.resize();
        });
      });
    }
    if (!root || !window.fetch) return;
    setInterval(function () {
      fetch(root.dataset.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) { last = d; draw(d); root.dataset.refreshed = String(Date.now()); } })
        .catch(function () {});
    }, every);
  };
})(window.ZhenGai);
