/**
 * Chinese personal names: surname (single or compound such as 欧阳, 司马, 诸葛) plus a given
 * name of 1–2 characters (up to 3 with a compound surname), and minority names written with the
 * middle dot (买买提·艾力). The surname lists are the compound surnames of 百家姓 and the most
 * common single surnames (for detection in text, which needs a known surname after a keyword).
 * @module
 */
import { randomBytes } from '../utils.js';
import { astring } from '../_assert.js';
import { toHalfWidth } from './normalize.js';

/** Compound surnames (复姓) recognised when splitting a name. @example COMPOUND_SURNAMES.includes('欧阳') // true */
export const COMPOUND_SURNAMES: readonly string[] = /* @__PURE__ */ Object.freeze(
  (
    '欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 百里 ' +
    '呼延 澹台 公羊 万俟 闻人 赫连 拓跋 第五 钟离 申屠 太史 濮阳 鲜于 闾丘 司空 亓官 司寇 子车 颛孙 巫马 ' +
    '公西 漆雕 乐正 壤驷 公良 宰父 谷梁 段干 东郭 梁丘 左丘 东门 羊舌 微生 公冶 夹谷 单于 淳于 仲孙 叔孙'
  ).split(' '),
);

/** Common single surnames (about 190, covering the large majority of the population). @example SINGLE_SURNAMES.includes('王') // true */
export const SINGLE_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';

const HAN = /^[\u4e00-\u9fa5\u3400-\u4dbf]+$/;

/**
 * What {@link validateName} returns: the name split into surname and given name, or `format` when
 * it is not a name of the accepted shapes.
 */
export type NameResult =
  | {
      valid: true;
      /** The normalized name (half-width, trimmed, dots unified to `·`). */
      name: string;
      /** The surname; for a minority name, its first `·`-separated part. */
      surname: string;
      /** The rest of the name after `surname` (for a minority name, starting with `·`). */
      given: string;
      /** True when the surname is a compound surname (复姓). */
      compound: boolean;
      /** True for a minority name written with the middle dot. */
      minority: boolean;
    }
  | { valid: false; reason: 'format' };

/**
 * Splits and validates a Chinese personal name: 2–4 Han characters, or 5 with a compound surname
 * (compound surname recognised),
 * or a minority name of Han parts joined by `·` (2–20 characters in all; the first part is then
 * reported as `surname` for masking purposes).
 * @example validateName('欧阳娜娜') // { valid: true, surname: '欧阳', given: '娜娜', compound: true, ... }
 */
export function validateName(input: string): NameResult {
  astring(input, 'input');
  const s = toHalfWidth(input)
    .trim()
    .replace(/[•．.]/g, '·');
  if (s.includes('·')) {
    const parts = s.split('·');
    if (s.length > 20 || parts.length < 2 || !parts.every((p) => p.length > 0 && HAN.test(p)))
      return { valid: false, reason: 'format' };
    return {
      valid: true,
      name: s,
      surname: parts[0]!,
      given: s.slice(parts[0]!.length),
      compound: false,
      minority: true,
    };
  }
  if (s.length < 2 || s.length > 5 || !HAN.test(s)) return { valid: false, reason: 'format' };
  const compound = s.length >= 3 && COMPOUND_SURNAMES.includes(s.slice(0, 2));
  if (s.length === 5 && !compound) return { valid: false, reason: 'format' }; // a 3-character given name needs a compound surname
  const n = compound ? 2 : 1;
  return {
    valid: true,
    name: s,
    surname: s.slice(0, n),
    given: s.slice(n),
    compound,
    minority: false,
  };
}

/** Common given-name characters, for invented test names. @example GIVEN_NAME_CHARS.includes('伟') // true */
export const GIVEN_NAME_CHARS =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红文斌宇浩然欣怡梓涵子轩雨桐思远嘉诚';
const GIVEN = GIVEN_NAME_CHARS;

/**
 * A random invented name (surname from the lists above, given name from common characters).
 * @example validateName(generateName()).valid // true
 */
export function generateName(random: (n: number) => Uint8Array = randomBytes): string {
  const b = random(4);
  const surname =
    b[0]! < 32
      ? COMPOUND_SURNAMES[b[1]! % COMPOUND_SURNAMES.length]!
      : SINGLE_SURNAMES[((b[0]! << 8) | b[1]!) % SINGLE_SURNAMES.length]!;
  return (
    surname + GIVEN[b[2]! % GIVEN.length]! + (b[3]! & 1 ? GIVEN[(b[3]! >> 1) % GIVEN.length]! : '')
  );
}
