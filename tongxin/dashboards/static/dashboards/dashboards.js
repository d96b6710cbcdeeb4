// 数据看板: draws each table's chart with Apache ECharts from the JSON the page carries
// (<script type="application/json">, no inline script: CSP). The table under each chart is the
// primary content; without JavaScript or ECharts the page is complete without the charts.
(function () {
  "use strict";

  function baseFontSize() {
    var size = parseFloat(window.getComputedStyle(document.documentElement).fontSize);
    return Math.round((size || 16) * 0.875);
  }

  function optionFor(spec) {
    var font = baseFontSize();
    var percent = spec.percent ? "{value}%" : "{value}";
    var option = {
      // Screen readers get a generated description; decal patterns tell series apart without colour.
      aria: { enabled: true, decal: { show: true } },
      animation: false,
      textStyle: { fontSize: font },
      // Canvas-drawn tooltips: HTML tooltips would need inline styles, which the CSP forbids.
      tooltip: { renderMode: "richText", trigger: spec.kind === "pie" || spec.kind === "funnel" ? "item" : "axis" },
    };
    if (spec.kind === "pie" || spec.kind === "funnel") {
      var first = spec.series[0] || { name: "", data: [] };
      var items = spec.categories.map(function (name, i) { return { name: name, value: first.data[i] }; });
      option.series = [
        spec.kind === "pie"
          ? { type: "pie", name: first.name, radius: ["30%", "62%"], data: items,
              label: { formatter: "{b}：{c}", fontSize: font } }
          : { type: "funnel", name: first.name, sort: "none", left: "10%", width: "80%", minSize: "8%", data: items,
              label: { position: "inside", formatter: "{b} {c}", fontSize: font } },
      ];
      return option;
    }
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { fontSize: font, hideOverlap: true } };
    var valueAxis = { type: "value", axisLabel: { formatter: percent, fontSize: font } };
    option.grid = { left: 8, right: spec.kind === "hbar" ? 56 : 16, top: 24, bottom: spec.series.length > 1 ? 40 : 8, containLabel: true };
    if (spec.series.length > 1) {
      option.legend = { type: "scroll", bottom: 0, textStyle: { fontSize: font } };
    }
    if (spec.kind === "hbar") {
      categoryAxis.inverse = true;
      categoryAxis.axisLabel.width = 120;
      categoryAxis.axisLabel.overflow = "truncate";
      option.yAxis = categoryAxis;
      option.xAxis = valueAxis;
    } else {
      categoryAxis.axisLabel.interval = 0;
      categoryAxis.axisLabel.width = 80;
      categoryAxis.axisLabel.overflow = "break";
      option.xAxis = categoryAxis;
      option.yAxis = valueAxis;
    }
    option.series = spec.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.data, label: { show: spec.categories.length <= 12, position: spec.kind === "hbar" ? "right" : "top" } };
    });
    return option;
  }

  function draw() {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      if (spec.kind === "hbar") {
        // One band per row: long unit lists get a taller chart instead of cramped bars.
        var rows = spec.categories.length * Math.max(1, spec.series.length);
        element.style.height = Math.max(240, Math.min(900, 40 + rows * 18)) + "px";
      }
      element.classList.add("is-drawn");
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(optionFor(spec));
      charts.push(chart);
    });
    var resize = function () { charts.forEach(function (c) { c.resize(); }); };
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(resize);
      document.querySelectorAll("[data-chart]").forEach(function (element) { observer.observe(element); });
    } else {
      window.addEventListener("resize", resize);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
