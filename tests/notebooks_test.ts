import assert from "node:assert/strict";
import { join } from "node:path";
import { config } from "../lib/config/load.ts";
import { train } from "../lib/pipeline/train.ts";
import { drawnFigures, dumpDom } from "./helpers/chromium.ts";
import { PYTHON } from "./helpers/python.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PLOTLY = "application/vnd.plotly.v1+json";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
}
interface Notebook {
  cells: Array<{ cell_type: string; outputs?: Output[] }>;
}

async function runNotebooks(out: string, env: Record<string, string>, notebooks: string[] = []) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/notebooks.ts", "--output", out, ...notebooks],
    cwd: ROOT,
    env: { FRAUD_PYTHON: PYTHON, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

function outputs(nb: Notebook): Output[] {
  return nb.cells.flatMap((c) => c.outputs ?? []);
}

/** HTML outputs (not figure fallbacks); nbformat may store text split into lines. */
function html(nb: Notebook): string[] {
  return outputs(nb).flatMap((o) => {
    const h = o.data?.["text/html"];
    if (o.data?.[PLOTLY] || h === undefined) return [];
    return [Array.isArray(h) ? h.join("") : String(h)];
  });
}

Deno.test("every notebook runs in Jupyter with the Deno kernel and shows what the pipeline computed", async () => {
  const dir = await Deno.makeTempDir();
  const env = {
    NB_SAMPLES: "3000",
    NB_SEED: "7",
    NB_TRACKING_URI: join(dir, "mlruns"),
    NB_CURRENT_SAMPLES: "800",
  };
  const r = await runNotebooks(join(dir, "out"), env);
  assert.equal(r.code, 0, r.stderr);
  const read = async (n: string): Promise<Notebook> =>
    JSON.parse(await Deno.readTextFile(join(dir, "out", `${n}.ipynb`)));
  const [features, training, drift] = [
    await read("01_features"),
    await read("02_training"),
    await read("03_drift"),
  ];
  for (const nb of [features, training, drift]) {
    for (const c of nb.cells) {
      if (c.cell_type === "code") {
        assert.ok(c.outputs!.length > 0, "every code cell shows something");
      }
    }
    assert.ok(!outputs(nb).some((o) => o.output_type === "error"));
  }

  assert.ok(
    html(features).some((h) => h.includes('class="quality-report"') && h.includes("3000 rows")),
  );
  assert.ok(
    html(features).some((h) => h.includes('class="label-rules"') && h.includes("high_velocity")),
  );
  assert.ok(
    outputs(features).filter((o) => o.data?.[PLOTLY]).length >= 6,
    "distribution and correlation figures of both use cases",
  );
  // The personalization half: propensity rules, and the coefficient table with the one-hot terms.
  assert.ok(
    html(features).some((h) => h.includes('class="label-rules"') && h.includes("cart_in_progress")),
  );
  assert.ok(
    html(features).some((h) =>
      h.includes('class="coefficients"') && h.includes("device_type=1") &&
      h.includes("recency_score")
    ),
  );

  // The AUC shown is the one the pipeline computes for this seed.
  const settings = config(
    { data: { maxSamples: 3000 }, mlflow: { trackingUri: join(dir, "check") }, seed: 7 },
    { env: {} },
  );
  const expected = (await train(settings)).test.roc_auc.toFixed(4);
  // train()'s result, a model's SHAP values and the drift runs display themselves.
  assert.ok(html(training).some((h) => /<b>xgboost<\/b> run <code>\w{32}<\/code>/.test(h)));
  assert.ok(html(training).some((h) => h.includes('class="explanation"')));
  assert.ok(
    html(training).some((h) =>
      h.includes('class="metrics-table"') && h.includes(`test ROC AUC ${expected}`)
    ),
    `AUC ${expected} shown`,
  );
  const figures = outputs(training).flatMap((
    o,
  ) => (o.data?.[PLOTLY] ? [o.data[PLOTLY] as { layout: { title: { text: string } } }] : []));
  const titles = figures.map((f) => f.layout.title.text);
  assert.ok(titles.includes(`ROC curve (AUC ${expected})`), titles.join(" | "));
  for (
    const t of [
      "Precision–recall curve",
      "Feature importance",
      "Boosting rounds",
      "SHAP importance",
      "The riskiest test row",
      "Threshold choice",
      "Card precision@10 per test day",
    ]
  ) {
    assert.ok(titles.some((x) => x.startsWith(t)), `${t} in ${titles.join(" | ")}`);
  }
  assert.ok(html(training).some((h) => h.includes('class="confusion-matrix"')));

  await assertFiguresDraw(join(dir, "out"), {
    "01_features": features,
    "02_training": training,
    "03_drift": drift,
  });

  const reports = html(drift).filter((h) => h.includes('class="drift-report"'));
  assert.equal(reports.length, 2, "no-shift and shifted drift reports");
  assert.match(
    reports[1]!,
    /amount_avg_5m<\/td><td>continuous<\/td><td>ks<\/td>(<td>[^<]*<\/td>){6}<td>yes<\/td>/,
  );
  assert.ok(outputs(drift).filter((o) => o.data?.[PLOTLY]).length >= 2);
  await Deno.remove(dir, { recursive: true });
});

/** Every figure carries a static SVG and, converted by nbconvert to HTML, is drawn by plotly.js. */
async function assertFiguresDraw(out: string, notebooks: Record<string, Notebook>) {
  const r = await new Deno.Command(PYTHON, {
    args: [
      "-m",
      "nbconvert",
      "--to",
      "html",
      "--output-dir",
      join(out, "html"),
      ...Object.keys(notebooks).map((n) => join(out, `${n}.ipynb`)),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  for (const [name, nb] of Object.entries(notebooks)) {
    const figures = outputs(nb).filter((o) => o.data?.[PLOTLY]);
    assert.ok(figures.length >= 2, `${name}: figures shown`);
    const bundles = figures.filter((o) =>
      text(o.data!["text/html"]).includes("window.Plotly = Plotly")
    );
    assert.equal(bundles.length, 1, `${name}: plotly.js inlined once`);
    for (const o of figures) {
      assert.match(
        text(o.data!["image/svg+xml"]),
        /^<svg[^>]*>[\s\S]*class="mark-/,
        `${name}: static SVG`,
      );
      assert.match(
        text(o.data!["text/html"]),
        /class="plotly-figure"><svg/,
        `${name}: SVG until drawn`,
      );
    }
    const drawn = drawnFigures(await dumpDom(join(out, "html", `${name}.html`)));
    assert.equal(drawn.length, figures.length, `${name}: one plot per figure`);
    drawn.forEach((d, i) => {
      assert.ok(
        d.plotlySvg && d.traces > 0,
        `${name}: figure ${i} drawn by plotly (${JSON.stringify(d)})`,
      );
    });
  }
}

function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v ?? "");
}

Deno.test("a notebook cell that throws fails the runner, naming the notebook, cell and error", async () => {
  const dir = await Deno.makeTempDir();
  const nb = {
    cells: [
      {
        cell_type: "code",
        execution_count: null,
        id: "a1",
        metadata: {},
        outputs: [],
        source: "1 + 1;",
      },
      {
        cell_type: "code",
        execution_count: null,
        id: "a2",
        metadata: {},
        outputs: [],
        source: 'throw new Error("boom in cell");',
      },
    ],
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  await Deno.writeTextFile(join(dir, "bad.ipynb"), JSON.stringify(nb));
  const r = await runNotebooks(join(dir, "out"), {}, [join(dir, "bad.ipynb")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /notebooks: bad\.ipynb, cell 1: Error: boom in cell/);
  await Deno.remove(dir, { recursive: true });
});
