/**
 * Semantic domains (ATLAS.ti's term for groups of mutually exclusive codes) and Cuα.
 *
 * Per domain: the 2016 family computed on that domain's codes only (codes of other domains are
 * uncoded matter there), as ATLAS.ti reports |uα, cuα and (k)uα "within a semantic domain".
 * Cuα: cuα over all domains together, with each code replaced by its domain, i.e. agreement on
 * *which domain* applies where coders' coded segments overlap (our reading of Krippendorff 2019
 * §12.6 and the ATLAS.ti manual; neither gives a worked number for it).
 */

import { type AgreementDiagnostic, diagnostic } from '../diagnostics.js';
import { computeUnitizedFamily2016 } from './alpha2016.js';
import { GAP } from './continuum.js';
import type { UnitizedInput } from './types.js';
import { buildTilings, prepareUnitizedData } from './prepare.js';

export interface DomainFamily {
  u_alpha: number | null;
  binary_u_alpha: number | null;
  cu_alpha: number | null;
  cu_share_of_pairable_length: number | null;
  k_u_alpha: Record<string, number | null>;
}

export interface SemanticDomainAgreement {
  /** cuα over all domains, domains as values. */
  Cu_alpha: number | null;
  Cu_share_of_pairable_length: number | null;
  by_domain: Record<string, DomainFamily>;
}

export function computeSemanticDomainAgreement(
  input: UnitizedInput,
  domains: Record<string, readonly string[]>,
): { statistics: SemanticDomainAgreement; diagnostics: AgreementDiagnostic[] } {
  const prepared = prepareUnitizedData(input.continuum, input.data);
  const diagnostics = [...prepared.diagnostics];
  const domainNames = Object.keys(domains);
  const domainOfCode = new Int32Array(prepared.codes.length).fill(-1);
  domainNames.forEach((domain, d) => {
    for (const code of domains[domain]) {
      const index = prepared.codes.indexOf(code);
      if (index < 0) continue;
      if (domainOfCode[index] >= 0) throw new Error(`Code "${code}" is in two semantic domains; domains must not share codes.`);
      domainOfCode[index] = d;
    }
  });
  prepared.codes.forEach((code, index) => {
    if (domainOfCode[index] < 0) {
      diagnostics.push(
        diagnostic('undefined_statistic', 'info', `Code "${code}" belongs to no semantic domain and was left out.`, {
          subject: { category: code },
        }),
      );
    }
  });
  if (prepared.coders.length < 2) {
    diagnostics.push(diagnostic('too_few_coders', 'error', 'Unitized agreement needs segments from at least two coders.'));
    return { statistics: { Cu_alpha: null, Cu_share_of_pairable_length: null, by_domain: {} }, diagnostics };
  }

  const by_domain: Record<string, DomainFamily> = {};
  domainNames.forEach((domain, d) => {
    const codesHere = prepared.codes.filter((_, index) => domainOfCode[index] === d);
    const valueOfCode = Int32Array.from(domainOfCode, (owner, index) =>
      owner === d ? codesHere.indexOf(prepared.codes[index]) + 1 : GAP,
    );
    const tilings = buildTilings(prepared, valueOfCode, codesHere);
    if (tilings.codersWithOverlaps.length > 0) {
      diagnostics.push(
        diagnostic(
          'overlapping_segments',
          'warning',
          `Within semantic domain "${domain}", ${tilings.codersWithOverlaps.join(', ')} applied two codes to the same text, although a domain's codes should be mutually exclusive.`,
          { subject: { category: domain } },
        ),
      );
    }
    const family = computeUnitizedFamily2016(tilings.observers, tilings.valueNames.length);
    by_domain[domain] = {
      u_alpha: family.uAlpha,
      binary_u_alpha: family.binaryUAlpha,
      cu_alpha: family.cuAlpha,
      cu_share_of_pairable_length: family.cuShareOfPairableLength,
      k_u_alpha: Object.fromEntries(tilings.valueNames.slice(1).map((name, k) => [name, family.kUAlpha[k + 1]])),
    };
  });

  const valueOfCodeAsDomain = Int32Array.from(domainOfCode, (d) => (d < 0 ? GAP : d + 1));
  const acrossDomains = buildTilings(prepared, valueOfCodeAsDomain, domainNames);
  const global = computeUnitizedFamily2016(acrossDomains.observers, acrossDomains.valueNames.length);
  if (global.cuAlpha === null) {
    diagnostics.push(
      diagnostic('undefined_statistic', 'warning', 'Cuα is undefined: overlapping coded segments never differ in domain, or never overlap.', {
        statistics: ['Cu_alpha'],
      }),
    );
  }
  return {
    statistics: {
      Cu_alpha: global.cuAlpha,
      Cu_share_of_pairable_length: global.cuShareOfPairableLength,
      by_domain,
    },
    diagnostics,
  };
}
