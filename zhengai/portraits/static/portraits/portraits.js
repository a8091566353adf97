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
  // Stacked bars of warnings by grade: d.labels (categories), d.series [{name, grade, values}].
  Z.drawStacked = function (id, d) {
    var chart = mount(id);
    if (!d || !chart) return;
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 16, top: 32, bottom: 40 },
      xAxis: { type: "category", data: d.labels }, yAxis: { type: "value", minInterval: 1 },
      series: d.series.map(function (s) { return { type: "bar", stack: "all", name: s.name, data: s.values, itemStyle: { color: GRADE[s.grade] } }; })
    });
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
        var v = get(d, el.dataset.field); el.textContent = v == null ? "—" : v;
      });
      Z.drawStacked("cockpit-levels", { labels: d.warnings.levels, series: d.warnings.series });
      Z.drawStacked("cockpit-time", d.over_time);
    }
    draw(read(dataId));
    if (!root || !window.fetch) return;
    setInterval(function () {
      fetch(root.dataset.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) { draw(d); root.dataset.refreshed = String(Date.now()); } })
        .catch(function () {});
    }, every);
  };
})(window.ZhenGai);
