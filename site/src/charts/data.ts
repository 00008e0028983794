/** The name of the data source every chart spec reads; the rows are supplied when the chart is drawn. */
export const DATA = "table";
