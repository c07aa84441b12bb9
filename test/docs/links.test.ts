/**
 * The repository documents itself: every relative link of the README and of docs/ (and the other
 * READMEs) leads to a file of the repository — never into ../shared, which a clone does not have —
 * and every #anchor into a Markdown file names one of its headings.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fedbrokerCli.js';

const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  'certs/README.md',
  'certs/dev/README.md',
  'bench/README.md',
];

/** Markdown links and images outside code: [text](target) — code blocks and spans are skipped. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1, -2… for repeats. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const text = m[1]!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe('documentation links', () => {
  for (const document of DOCUMENTS) {
    it(`${document}: every relative link resolves inside the repository`, () => {
      const file = join(REPO_ROOT, document);
      const text = readFileSync(file, 'utf8');
      const problems: string[] = [];
      for (const link of linksOf(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
        const inside = relative(REPO_ROOT, target);
        if (inside.startsWith('..') || link.includes('shared/')) {
          problems.push(`${link}: outside the repository`);
          continue;
        }
        if (!existsSync(target)) {
          problems.push(`${link}: no such file`);
          continue;
        }
        if (anchor !== undefined && target.endsWith('.md') && statSync(target).isFile() && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
          problems.push(`${link}: no heading #${anchor} in ${inside}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('the links are found (the check is not vacuous)', () => {
    const readme = linksOf(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    expect(readme).toContain('docs/configuration.md');
    expect(readme).toContain('docs/operations.md');
    expect(linksOf('see [a](x.md#b), `[c](d)` and ![e](f.png)')).toEqual(['x.md#b', 'f.png']);
    expect([...anchorsOf('# Keys: rotation and backup\n## `saml`\n## A\n## A')]).toEqual(['keys-rotation-and-backup', 'saml', 'a', 'a-1']);
  });
});
