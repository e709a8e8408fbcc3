/**
 * A chart is a Vega-Lite v5 spec with ways out: SVG (rendered server-side by vega, no browser), PNG
 * (resvg, no node-canvas), HTML, JSON, and the notebook mime bundle. Chart builders are plain
 * functions of data and options that return one (as Observable Plot's do).
 */
import { writeFileSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';
import { THEME } from './theme';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');
let vegaModules: { vega: VegaModule; vl: VegaLiteModule } | null = null;

/** vega and vega-lite 5 (CommonJS), loaded on first render. */
function vegaLibs(): { vega: VegaModule; vl: VegaLiteModule } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  vegaModules ??= { vega: require('vega') as VegaModule, vl: require('vega-lite') as VegaLiteModule };
  return vegaModules;
}

export class Chart {
  readonly spec: TopLevelSpec;

  constructor(spec: TopLevelSpec) {
    this.spec = { $schema: VEGA_LITE_SCHEMA, ...spec, config: { ...THEME, ...(spec.config ?? {}) } } as TopLevelSpec;
  }

  toJSON(): TopLevelSpec {
    return this.spec;
  }

  /** The spec compiled to Vega (what renderers run). */
  toVega(): ReturnType<VegaLiteModule['compile']>['spec'] {
    return vegaLibs().vl.compile(this.spec).spec;
  }

  /** SVG rendered by vega on the server (no browser, no canvas). */
  async toSVG(): Promise<string> {
    const { vega } = vegaLibs();
    const view = new vega.View(vega.parse(this.toVega()), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  /** PNG from the SVG via resvg (a prebuilt binary: no node-canvas, no Cairo). */
  async toPNG(scale = 2): Promise<Buffer> {
    const { Resvg } = await import('@resvg/resvg-js');
    const svg = await this.toSVG();
    return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: scale } }).render().asPng();
  }

  /** A standalone HTML page: the SVG inline, and the spec beside it for anyone who wants it live. */
  async toHTML(title = 'marsbook chart'): Promise<string> {
    const svg = await this.toSVG();
    const json = JSON.stringify(this.spec).replace(/</g, '\\u003c');
    return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n${svg}\n<script type="application/json" id="vega-lite-spec">${json}</script>\n</body></html>\n`;
  }

  /** Write `.svg`, `.png`, `.html` or `.json` (chosen by the extension). */
  async save(path: string): Promise<void> {
    const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
    if (ext === 'svg') writeFileSync(path, await this.toSVG());
    else if (ext === 'png') writeFileSync(path, await this.toPNG());
    else if (ext === 'html') writeFileSync(path, await this.toHTML());
    else if (ext === 'json') writeFileSync(path, JSON.stringify(this.spec, null, 1));
    else throw new Error(`Chart.save: unknown extension .${ext} (use .svg, .png, .html or .json)`);
  }

  /** The notebook mime bundle: the Vega-Lite spec as a JSON object, its SVG, and a text fallback. */
  async mimeBundle(): Promise<Record<string, unknown>> {
    return {
      [VEGA_LITE_MIME]: this.spec,
      'image/svg+xml': await this.toSVG(),
      'text/plain': `Chart(${describe(this.spec)})`,
    };
  }
}

function describe(spec: TopLevelSpec): string {
  const t = (spec as { title?: unknown }).title;
  const title = typeof t === 'string' ? t : t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text) : '';
  return title || 'Vega-Lite v5';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
