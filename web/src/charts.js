// Bar charts (Apache ECharts, only the parts used; SVG so text stays crisp). Loaded on demand.
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer]);

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif';

/**
 * A horizontal bar chart in ``el``: ``categories`` down the side, one stacked series per entry of
 * ``series`` ({id, name, color, data}); ``onClick(category, seriesId)`` on a bar.
 */
export function barChart(el, { categories, series, onClick, stacked = true, ariaLabel }) {
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    textStyle: { fontFamily: FONT },
    aria: { enabled: true, label: { description: ariaLabel } },
    animation: false,
    tooltip: { trigger: "item", confine: true },
    legend: { top: 0, type: "scroll", selectedMode: true },
    grid: { left: 8, right: 24, top: series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category", data: categories, inverse: true,
      axisLabel: { width: 200, overflow: "truncate", fontSize: 12 },
    },
    series: series.map((s) => ({
      id: s.id, name: s.name, type: "bar", stack: stacked ? "all" : undefined, data: s.data,
      itemStyle: { color: s.color }, barMaxWidth: 26, cursor: "pointer",
      emphasis: { focus: "series" },
      label: { show: !stacked, position: "right" },
    })),
  });
  if (onClick) chart.on("click", (p) => onClick(p.name, p.seriesId));
  el.quanzeChart = chart; // for tests: where a bar is drawn
  const ro = new ResizeObserver(() => chart.resize());
  ro.observe(el);
  return { chart, dispose: () => { ro.disconnect(); chart.dispose(); } };
}
