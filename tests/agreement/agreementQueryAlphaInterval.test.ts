/** The REST report's `alphaInterval` parameter: encoded by the client, decoded by the server, one meaning. */
import { describe, expect, it } from 'vitest';
import { AgreementQueryError, decodeAgreementQuery, encodeAgreementQuery } from '../../shared/api/agreementQuery';

const decodeString = (search: string) => decodeAgreementQuery(Object.fromEntries(new URLSearchParams(search)));

describe('agreement query: alphaInterval', () => {
  it('round-trips both methods with the bootstrap, spelled as the CLI spells them', () => {
    for (const [alphaMethod, spelled] of [
      ['units', 'units'],
      ['hayes_krippendorff', 'hayes-krippendorff'],
    ] as const) {
      const search = encodeAgreementQuery({ unit: { kind: 'turn' }, bootstrap: { draws: 500, seed: 4, alphaMethod } });
      expect(new URLSearchParams(search).get('alphaInterval')).toBe(spelled);
      expect(decodeString(search).bootstrap).toEqual({ draws: 500, seed: 4, alphaMethod });
    }
  });

  it('leaves the method to the engine default when omitted', () => {
    const search = encodeAgreementQuery({ unit: { kind: 'turn' }, bootstrap: { draws: 500, seed: 4 } });
    expect(search).not.toContain('alphaInterval');
    expect(decodeString(search).bootstrap).toEqual({ draws: 500, seed: 4 });
  });

  it('refuses an unknown method and a method without bootstrap, naming the parameter', () => {
    expect(() => decodeString('bootstrap=500&alphaInterval=hayes_krippendorff')).toThrow(new AgreementQueryError('alphaInterval must be units or hayes-krippendorff'));
    expect(() => decodeAgreementQuery({ bootstrap: '500', alphaInterval: ['units', 'units'] })).toThrow(AgreementQueryError);
    expect(() => decodeString('alphaInterval=units')).toThrow('alphaInterval applies only together with bootstrap');
  });
});
