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
