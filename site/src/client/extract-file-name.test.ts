import { describe, expect, it } from "vitest";
import { extractFileName } from "./extract-file-name.ts";

describe("extractFileName", () => {
  it("names the fields in column order, the dates and each filtered value", () => {
    expect(
      extractFileName(
        ["team", "model"],
        { from: "2026-06-01", to: "2026-06-30", equals: { team: "ml" } },
        { from: "2026-06-01", to: "2026-06-30" },
      ),
    ).toBe("cost-by-team-model_2026-06-01_2026-06-30_team-ml.csv");
    expect(extractFileName(["model", "team"], { equals: {} })).toBe("cost-by-model-team.csv");
    expect(extractFileName([], { equals: { user: null, "metadata.customer_id": "acme-1" } })).toBe(
      "cost-by-total_user-none_customer_id-acme-1.csv",
    );
  });
  it("keeps hostile log values out of the path, the extension and markup", () => {
    const name = extractFileName(["metadata.a:b"], {
      equals: { team: "../../etc/passwd", "metadata.<img src=x>": `<img src=x onerror=alert(1)>.exe${"x".repeat(100)}` },
    });
    expect(name).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(name).not.toContain("..");
    expect(name).not.toContain("/");
    expect(name.endsWith(".csv")).toBe(true);
    expect(name.split(".")).toHaveLength(2);
    expect(name).toBe(`cost-by-metadata_a_b_team-_etc_passwd__img_src_x_-_img_src_x_onerror_alert_1_exe${"x".repeat(10)}.csv`); // 40 characters of the value
  });
});
