/**
 * The built-in stand-in for the Azure LLM inference traces, used when they are absent
 * (a clone without ../shared) or when `traces: "builtin"` is asked for. Each distribution
 * is the real trace's quantiles at the probabilities below (taken from
 * AzureLLMInferenceTrace_conv.csv and _code.csv); sampling interpolates between them, which
 * keeps the shape: chat prompts mostly 200–2,000 tokens with a long tail, short outputs,
 * coding prompts larger with very short completions, and bursty arrivals.
 */
export const QUANTILE_PROBABILITIES = [
  0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99, 0.999, 1,
] as const;

export const BUILTIN_TRACES = {
  conv: {
    context: [
      2, 181, 207, 372, 387, 396, 403, 414, 703, 984, 1020, 1045, 1071, 1097, 1130, 1189, 1315, 1876, 2734, 4083, 4142, 6179, 14050,
    ],
    generated: [7, 41, 54, 67, 77, 85, 91, 96, 103, 113, 129, 151, 177, 217, 384, 395, 400, 411, 424, 451, 601, 954, 1000],
  },
  code: {
    context: [
      3, 75, 147, 232, 386, 578, 770, 939, 1075, 1261, 1469, 1690, 1909, 2164, 2433, 2744, 3192, 3920, 5188, 7303, 7436, 7437, 7437,
    ],
    generated: [6, 6, 7, 7, 8, 9, 9, 10, 11, 12, 13, 14, 16, 18, 20, 24, 29, 39, 55, 90, 251, 825, 1899],
  },
  /** Time between consecutive requests of the conversation trace, microseconds. */
  gapMicros: [
    2, 6320, 16144, 26417, 36519, 48272, 60723, 73459, 87254, 101941, 118424, 137612, 158680, 183170, 213606, 246733, 288826, 345918,
    420656, 565194, 889671, 1411171, 4314579,
  ],
} as const;
