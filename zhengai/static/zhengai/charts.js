// Small helpers over Apache ECharts (installed by npm, served from /static/vendor/).
window.ZhenGai = window.ZhenGai || {};
(function (Z) {
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function mount(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var chart = echarts.init(el);
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.rendered = "true";
    return chart;
  }
  Z.barChart = function (id, dataId) {
    var d = data(dataId), chart = mount(id);
    if (!d || !chart) return;
    chart.setOption({
      tooltip: {}, grid: { left: 48, right: 16, top: 16, bottom: 96 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 40 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: d.values, itemStyle: { color: "#2f6fb0" } }]
    });
  };
  Z.lineChart = function (id, dataId) {
    var d = data(dataId), chart = mount(id);
    if (!d || !chart) return;
    // With ``dates`` (one label a category: a window's kind and first and last day), the tooltip names them.
    var tooltip = { trigger: "axis" };
    if (d.dates) {
      tooltip.formatter = function (points) {
        var lines = [escape(d.dates[points[0].dataIndex])];
        points.forEach(function (p) { lines.push(p.marker + escape(p.seriesName) + ": " + (p.value == null ? "—" : escape(p.value))); });
        return lines.join("<br>");
      };
    }
    chart.setOption({
      tooltip: tooltip, legend: { top: 0 }, grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: "category", data: d.labels },
      yAxis: { type: "value", min: d.min, max: d.max },
      series: d.series.map(function (s) { return { type: "line", name: s.name, data: s.values, smooth: true }; })
    });
  };
  Z.radarChart = function (id, dataId) {
    var d = data(dataId), chart = mount(id);
    if (!d || !chart) return;
    chart.setOption({
      tooltip: {}, legend: {},
      radar: { indicator: d.indicators },
      series: [{ type: "radar", data: d.series }]
    });
  };
})(window.ZhenGai);
