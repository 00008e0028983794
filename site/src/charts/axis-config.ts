/** Text sizes every chart uses: axis and legend text at least 12 px (readable on a phone and in print). */
export function axisConfig(): { axis: object; legend: object } {
  return {
    axis: { labelFontSize: 12, titleFontSize: 12 },
    legend: { labelFontSize: 12, titleFontSize: 12 },
  };
}
