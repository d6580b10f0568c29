// Dashboard charts (reports:dashboard). Data comes from the json_script element #chart-data;
// no inline scripts (the content security policy forbids them).
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const red = "#b3141c";
  const grey = "#adb5bd";
  const gold = "#e0a800";
  const vn = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.animation = false;

  function make(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  make("chart-progress", {
    type: "bar",
    data: {
      labels: data.progress.labels,
      datasets: [
        { label: "Đã kết nạp", data: data.progress.admitted, backgroundColor: red },
        { label: "Chỉ tiêu", data: data.progress.target, backgroundColor: grey },
      ],
    },
    options: {
      maintainAspectRatio: true,
      scales: { y: { beginAtZero: true, ticks: { callback: (v) => vn.format(v) } } },
      plugins: {
        tooltip: {
          callbacks: {
            afterBody: (items) => {
              const i = items[0].dataIndex;
              const target = data.progress.target[i];
              if (!target) return "Chưa giao chỉ tiêu";
              return "Đạt " + vn.format(Math.round(data.progress.admitted[i] * 1000 / target) / 10) + "% chỉ tiêu";
            },
          },
        },
      },
    },
  });

  make("chart-monthly", {
    type: "line",
    data: {
      labels: data.monthly.labels,
      datasets: [
        // a month that has not begun is null: no point, no line to it (never drawn as 0)
        { label: data.monthly.current_label, data: data.monthly.current, borderColor: red, backgroundColor: red, tension: 0.2, spanGaps: false },
        { label: data.monthly.previous_label, data: data.monthly.previous, borderColor: grey, backgroundColor: grey, borderDash: [6, 4], tension: 0.2 },
      ],
    },
    options: {
      maintainAspectRatio: true,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });

  make("chart-composition", {
    type: "bar",
    data: {
      labels: data.composition.labels,
      datasets: [{ label: "Tỷ lệ (%)", data: data.composition.percent, backgroundColor: gold }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: true,
      scales: { x: { beginAtZero: true, max: 100, ticks: { callback: (v) => vn.format(v) + "%" } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (ctx) => vn.format(ctx.parsed.x) + "%" } },
      },
    },
  });
})();
