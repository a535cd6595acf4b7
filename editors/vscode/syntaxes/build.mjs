// Builds muster.tmLanguage.json, the TextMate grammar of Muster, from the
// rules below: `node syntaxes/build.mjs` (or `npm run build-grammar`)
// writes it, `--check` fails when the committed file differs (the test
// runs that check). The rules follow grammar/muster.pest and the "Source
// text", "Declarations", "Conditions" and "Scenarios" sections of
// docs/reference.md.
//
// How the grammar is laid out:
// - Only the reserved words (`actor and false fact handbook in not or
//   procedure resource scenario step trigger true use`) are keywords
//   everywhere. Attribute names (`lead`, `note`, `within`, ...) and the
//   words of scenarios are not reserved: `actor lead { kind role }` and
//   `lead lead` are valid. So every attribute is a begin/end rule that
//   starts at its name and ends after its value: a word that no attribute
//   consumed as its value is the name of the next attribute.
// - A rule ends after its value with `(?!\G)(?<=WORDCHAR)`: right after the
//   last character of the value, never right after the attribute's name.
//   Lists go on while a comma follows (`support eeas,` then `psc` on the
//   next line, as `muster fmt` breaks long lists).
// - A condition is its first operand (`when x`); each binary operator at
//   trigger level (`and`, `or`, `==`, ..., `in [...]`) starts a rule that
//   takes the operand after it. `and`, `or` and `in` are reserved and the
//   comparison signs appear nowhere else, so an operator at trigger level
//   always continues the condition, across lines too.
// - Blocks and declarations give up before a word that can only start a
//   top-level declaration, so that a missing `}` does not colour the rest
//   of the file as the inside of one block.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'muster.tmLanguage.json');

const r = String.raw;
const W = 'A-Za-z0-9_';
/** Not after an identifier character, and not before one. */
const B = `(?<![${W}])`;
const E = `(?![${W}])`;
const word = (alternatives) => `${B}(?:${alternatives})${E}`;
const ID = `[A-Za-z_][${W}]*`;
const RESERVED =
  'actor|and|false|fact|handbook|in|not|or|procedure|resource|scenario|step|trigger|true|use';
const TOP = 'handbook|use|actor|resource|fact|procedure|scenario';
const RECOVER_TOP = `(?=${word(TOP)})`;
const RECOVER_PROCEDURE = `(?=${word(`${TOP}|trigger|step`)})`;
const DIGITS = r`[0-9](?:_?[0-9])*`;
/** A duration with its units in order, each at most once (`1d12h`). */
const DURATION = `${B}(?=[0-9])(?:${DIGITS}w)?(?:${DIGITS}d)?(?:${DIGITS}h)?(?:${DIGITS}m)?${E}`;
/** Any run of `<digits><unit>`: what is not DURATION is E0002. */
const DURATION_ANY = `${B}${DIGITS}[wdhm](?:${DIGITS}[wdhm])*${E}`;
const INT = `${B}${DIGITS}${E}`;
const ACTOR_KINDS =
  'member_state|institution|body|agency|service|office|group|role|external';
const DECISION_RULES = 'unanimity|qualified_majority|simple_majority|consensus';

const include = (name) => ({ include: `#${name}` });
const attr = { 1: { name: 'keyword.other.attribute.muster' } };

/** A name in a value position: a reserved word there is an error. */
const nameAs = (scope) => ({
  match: `${B}(?:(${RESERVED})${E}|(${ID}))`,
  captures: {
    1: { name: 'invalid.illegal.reserved-name.muster' },
    2: { name: scope },
  },
});

/** Whatever word is left in a value position that takes none of its kind. */
const otherWord = {
  match: `${B}[${W}]+`,
  name: 'invalid.illegal.unexpected.muster',
};

/** `ATTR VALUE`: ends right after the value. */
function single(names, values, recover) {
  return {
    begin: `${B}(${names})${E}`,
    beginCaptures: attr,
    end: `(?!\\G)(?<=[${W}])|(?=[^\\s${W}/])|${recover}`,
    patterns: [include('comments-nodoc'), ...values, otherWord],
  };
}

/** `ATTR ITEM, ITEM, ...`: ends after an item that no comma follows. An
 * item may be followed by `(...)` (requirements), and `more` lists what else
 * continues an item (`=` of `set`, `.` and `by` of `delay`). */
function list(names, items, recover, { parens = false, also = '', more = '' } = {}) {
  const next = `(?:[,${parens ? '(' : ''}${also}]${more ? `|${more}` : ''})`;
  return {
    begin: `${B}(${names})${E}`,
    beginCaptures: attr,
    end: `(?!\\G)(?<=[${W})])(?!\\s*${next})|(?=[^\\s${W}/,()${also}])|${recover}`,
    patterns: [include('comments-nodoc'), ...items, include('comma'), otherWord],
  };
}

function block(kind, patterns, recover) {
  return {
    name: `meta.block.${kind}.muster`,
    begin: r`\{`,
    beginCaptures: { 0: { name: 'punctuation.section.block.begin.muster' } },
    end: r`(\})|` + recover,
    endCaptures: { 1: { name: 'punctuation.section.block.end.muster' } },
    patterns: [
      ...patterns,
      include('string'),
      include('comma-continuation'),
      include('literals'),
      include('reserved'),
      { match: ID, name: 'invalid.illegal.unknown-attribute.muster' },
    ],
  };
}

/** `KEYWORD NAME ["Label"] { ... }`. A nested declaration (a trigger, a
 * step, an incident, an inject) also ends before the `}` of its parent
 * when it has no block of its own. */
function declaration(keyword, nameScope, blockName, { nested = false, recover = RECOVER_TOP } = {}) {
  return {
    name: `meta.declaration.${keyword}.muster`,
    begin: `${B}(${keyword})${E}(?:\\s+(?:(${RESERVED})${E}|(${ID})))?`,
    beginCaptures: {
      1: { name: `storage.type.${keyword}.muster` },
      2: { name: 'invalid.illegal.reserved-name.muster' },
      3: { name: nameScope },
    },
    end: r`(?<=\})` + (nested ? r`|(?=\})` : '') + `|${recover}`,
    patterns: [include('comments-nodoc'), include('string'), include(blockName)],
  };
}

const actorName = nameAs('variable.other.actor.muster');
const resourceName = nameAs('variable.other.resource.muster');
const stepName = nameAs('variable.other.step.muster');
const procedureName = nameAs('variable.other.procedure.muster');
const incidentName = nameAs('variable.other.incident.muster');

const durationValues = [include('duration'), include('number-invalid')];
const rangeValues = [include('duration-range'), ...durationValues];
const intValues = [include('integer'), include('number-invalid')];

/** `PROCEDURE.STEP` of `delay` and `block`. */
const stepPath = {
  match: `${B}(${ID})\\s*(\\.)\\s*(${ID})`,
  captures: {
    1: { name: 'variable.other.procedure.muster' },
    2: { name: 'punctuation.accessor.muster' },
    3: { name: 'variable.other.step.muster' },
  },
};

/** An operand of a condition, and what may stand before it. */
const operand = [
  include('comments-nodoc'),
  { match: word('not'), name: 'keyword.operator.logical.muster' },
  { match: r`!(?!=)`, name: 'invalid.illegal.operator.muster' },
  include('condition-group'),
  include('condition-atom'),
];
/** Ends after an operand: not after `not`, which wants one. */
const afterOperand = (recover) =>
  `(?!\\G)(?<=[${W})\\]])(?<![^${W}]not)(?<!^not)|(?=[{}"])|${recover}`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Muster',
  scopeName: 'source.muster',
  fileTypes: ['muster'],
  patterns: [
    include('comments'),
    include('handbook'),
    include('use'),
    include('actor'),
    include('resource'),
    include('fact'),
    include('procedure'),
    include('scenario'),
    include('string'),
    include('literals'),
    include('reserved'),
    include('punctuation'),
  ],
  repository: {
    // ---------------------------------------------------------- source text
    comments: {
      patterns: [include('doc-comment'), include('block-comment'), include('line-comment')],
    },
    // Inside a block or a value, a `///` line documents nothing: it is an
    // ordinary comment (reference, "Doc comments").
    'comments-nodoc': {
      patterns: [include('block-comment'), include('line-comment')],
    },
    'doc-comment': {
      begin: r`^([\s\x{FEFF}]*)(///)(?!/)`,
      beginCaptures: {
        1: { name: 'punctuation.whitespace.comment.leading.muster' },
        2: { name: 'comment.line.documentation.muster punctuation.definition.comment.muster' },
      },
      end: r`\n|$`,
      contentName: 'comment.line.documentation.muster',
      patterns: [include('direction-control')],
    },
    // A line comment takes its line end: a rule that ends after a word
    // (`(?<=\w)`) must not end after the last word of a comment.
    'line-comment': {
      begin: '//',
      beginCaptures: { 0: { name: 'punctuation.definition.comment.muster' } },
      end: r`\n|$`,
      name: 'comment.line.double-slash.muster',
      patterns: [include('direction-control')],
    },
    // Block comments do not nest: the first `*/` closes one.
    'block-comment': {
      begin: r`/\*`,
      end: r`\*/`,
      captures: { 0: { name: 'punctuation.definition.comment.muster' } },
      name: 'comment.block.muster',
      patterns: [include('direction-control')],
    },
    // W0007: invisible characters that reorder a line on screen.
    'direction-control': {
      match: r`[\x{202A}-\x{202E}\x{2066}-\x{2069}]`,
      name: 'invalid.deprecated.direction-control.muster',
    },
    // A string ends at its line: a raw line break makes it unterminated.
    string: {
      name: 'string.quoted.double.muster',
      begin: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.muster' } },
      end: '(")|$',
      endCaptures: { 1: { name: 'punctuation.definition.string.end.muster' } },
      patterns: [include('string-escape'), include('direction-control')],
    },
    'string-escape': {
      patterns: [
        {
          // A surrogate names no Unicode scalar value.
          match: r`\\u\{(?=[0-9A-Fa-f]{1,6}\})0*[dD][89A-Fa-f][0-9A-Fa-f]{2}\}`,
          name: 'invalid.illegal.escape.muster',
        },
        {
          // Above U+10FFFF.
          match: r`\\u\{(?=[0-9A-Fa-f]{1,6}\})0*(?:1[1-9A-Fa-f]|[2-9A-Fa-f][0-9A-Fa-f])[0-9A-Fa-f]{4}\}`,
          name: 'invalid.illegal.escape.muster',
        },
        { match: r`\\u\{[0-9A-Fa-f]{1,6}\}`, name: 'constant.character.escape.muster' },
        { match: r`\\[\\"nt]`, name: 'constant.character.escape.muster' },
        { match: r`\\u(?:\{[^}"\\]*\}?)?`, name: 'invalid.illegal.escape.muster' },
        { match: r`\\.`, name: 'invalid.illegal.escape.muster' },
      ],
    },
    literals: {
      patterns: [
        include('duration-range'),
        include('duration'),
        include('integer'),
        include('number-invalid'),
      ],
    },
    duration: {
      patterns: [
        { match: DURATION, name: 'constant.numeric.duration.muster' },
        // Units out of order or given twice (`12h1d`, `1h1h`): E0002.
        { match: DURATION_ANY, name: 'invalid.illegal.duration.muster' },
      ],
    },
    // `1d..3d` (uniform) and `1d..2d..5d` (triangular).
    'duration-range': {
      match: `(${DURATION_ANY})\\s*(\\.\\.)\\s*(${DURATION_ANY})(?:\\s*(\\.\\.)\\s*(${DURATION_ANY}))?`,
      name: 'meta.range.duration.muster',
      captures: {
        1: { patterns: [include('duration')] },
        2: { name: 'keyword.operator.range.muster' },
        3: { patterns: [include('duration')] },
        4: { name: 'keyword.operator.range.muster' },
        5: { patterns: [include('duration')] },
      },
    },
    integer: { match: INT, name: 'constant.numeric.integer.muster' },
    // `1__000`, `1_`, `3ships`: no number and no name.
    'number-invalid': { match: `${B}[0-9][${W}]*`, name: 'invalid.illegal.numeric.muster' },
    reserved: {
      patterns: [
        { match: word('handbook'), name: 'storage.type.handbook.muster' },
        { match: word('actor'), name: 'storage.type.actor.muster' },
        { match: word('resource'), name: 'storage.type.resource.muster' },
        { match: word('fact'), name: 'storage.type.fact.muster' },
        { match: word('procedure'), name: 'storage.type.procedure.muster' },
        { match: word('trigger'), name: 'storage.type.trigger.muster' },
        { match: word('step'), name: 'storage.type.step.muster' },
        { match: word('scenario'), name: 'storage.type.scenario.muster' },
        { match: word('use'), name: 'keyword.other.use.muster' },
        { match: word('and|or|not'), name: 'keyword.operator.logical.muster' },
        { match: word('in'), name: 'keyword.operator.in.muster' },
        { match: word('true|false'), name: 'constant.language.boolean.muster' },
      ],
    },
    punctuation: {
      patterns: [
        { match: r`\{`, name: 'punctuation.section.block.begin.muster' },
        { match: r`\}`, name: 'punctuation.section.block.end.muster' },
        include('comma'),
      ],
    },
    comma: { match: ',', name: 'punctuation.separator.comma.muster' },
    // A list broken before its comma (`muster fmt` breaks after one).
    'comma-continuation': {
      match: `(,)\\s*(?:(${RESERVED})${E}|(${ID}))?`,
      captures: {
        1: { name: 'punctuation.separator.comma.muster' },
        2: { name: 'invalid.illegal.reserved-name.muster' },
        3: { name: 'variable.other.muster' },
      },
    },

    // --------------------------------------------------------- declarations
    use: { match: word('use'), name: 'keyword.other.use.muster' },

    handbook: {
      name: 'meta.declaration.handbook.muster',
      begin: `${B}(handbook)${E}`,
      beginCaptures: { 1: { name: 'storage.type.handbook.muster' } },
      end: r`(?<=\})|` + RECOVER_TOP,
      patterns: [include('comments-nodoc'), include('string'), include('handbook-block')],
    },
    'handbook-block': block(
      'handbook',
      [
        include('comments-nodoc'),
        { match: word('version|note'), name: 'keyword.other.attribute.muster' },
        single('owner', [actorName], RECOVER_TOP),
      ],
      RECOVER_TOP,
    ),

    actor: declaration('actor', 'entity.name.type.actor.muster', 'actor-block'),
    'actor-block': block(
      'actor',
      [
        include('comments-nodoc'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        single(
          'kind',
          [
            { match: word(ACTOR_KINDS), name: 'constant.language.actor-kind.muster' },
            // Any other word is E0001, which lists the kinds.
            { match: `${B}${ID}`, name: 'invalid.illegal.actor-kind.muster' },
          ],
          RECOVER_TOP,
        ),
        single('parent', [actorName], RECOVER_TOP),
        list('members', [actorName], RECOVER_TOP),
      ],
      RECOVER_TOP,
    ),

    resource: declaration('resource', 'entity.name.type.resource.muster', 'resource-block'),
    'resource-block': block(
      'resource',
      [
        include('comments-nodoc'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        // A free category, any name.
        single('kind', [nameAs('constant.other.category.muster')], RECOVER_TOP),
        single('provider', [actorName], RECOVER_TOP),
        {
          // `capacity INT UNIT`
          begin: `${B}(capacity)${E}`,
          beginCaptures: attr,
          end: `(?!\\G)(?<=[${W}])|(?=[^\\s${W}/])|${RECOVER_TOP}`,
          patterns: [
            include('comments-nodoc'),
            {
              begin: INT,
              beginCaptures: { 0: { name: 'constant.numeric.integer.muster' } },
              end: `(?!\\G)(?<=[${W}])|(?=[^\\s${W}/])|${RECOVER_TOP}`,
              patterns: [include('comments-nodoc'), include('unit')],
            },
            include('number-invalid'),
            otherWord,
          ],
        },
        single('ready', rangeValues, RECOVER_TOP),
      ],
      RECOVER_TOP,
    ),

    // `fact NAME: TYPE`, where TYPE is `bool`, `int`, `duration`, `MIN..MAX`
    // or `A | B | ...`. A fact has no block, and only a declaration can
    // follow it: it lasts until the next one.
    fact: {
      name: 'meta.declaration.fact.muster',
      begin: `${B}(fact)${E}(?:\\s+(?:(${RESERVED})${E}|(${ID})))?`,
      beginCaptures: {
        1: { name: 'storage.type.fact.muster' },
        2: { name: 'invalid.illegal.reserved-name.muster' },
        3: { name: 'entity.name.variable.fact.muster' },
      },
      end: `${RECOVER_TOP}|(?=[{}])`,
      patterns: [
        include('comments'),
        {
          match: `(:)(?:\\s*(${word('bool|int|duration')})(?!\\s*\\|))?`,
          captures: {
            1: { name: 'punctuation.separator.type.muster' },
            2: { name: 'support.type.primitive.muster' },
          },
        },
        {
          match: `(${INT})\\s*(\\.\\.)\\s*(${INT})`,
          name: 'meta.range.integer.muster',
          captures: {
            1: { name: 'constant.numeric.integer.muster' },
            2: { name: 'keyword.operator.range.muster' },
            3: { name: 'constant.numeric.integer.muster' },
          },
        },
        { match: r`\|`, name: 'punctuation.separator.variant.muster' },
        { match: r`\.\.`, name: 'keyword.operator.range.muster' },
        include('integer'),
        include('number-invalid'),
        nameAs('variable.other.enummember.muster'),
      ],
    },

    procedure: declaration('procedure', 'entity.name.function.procedure.muster', 'procedure-block'),
    'procedure-block': block(
      'procedure',
      [
        include('comments'),
        include('trigger'),
        include('step'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        single('lead', [actorName], RECOVER_PROCEDURE),
        list('support', [actorName], RECOVER_PROCEDURE),
        include('resources'),
      ],
      RECOVER_TOP,
    ),
    resources: list('resources', [include('requirement')], RECOVER_PROCEDURE, { parens: true }),
    // `frigates`, `frigates(2 ships)`, `frigates(2)`
    requirement: {
      patterns: [
        resourceName,
        {
          begin: r`\(`,
          beginCaptures: { 0: { name: 'punctuation.section.parens.begin.muster' } },
          end: r`(\))|(?=[{}"])|` + RECOVER_PROCEDURE,
          endCaptures: { 1: { name: 'punctuation.section.parens.end.muster' } },
          patterns: [include('comments-nodoc'), include('integer'), include('number-invalid'), include('unit')],
        },
      ],
    },
    unit: nameAs('keyword.other.unit.muster'),

    trigger: declaration('trigger', 'entity.name.function.trigger.muster', 'trigger-block', {
      nested: true,
      recover: RECOVER_PROCEDURE,
    }),
    'trigger-block': block(
      'trigger',
      [
        include('comments-nodoc'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        include('when'),
        include('condition-operator'),
        include('condition-in'),
        single('lead', [actorName], RECOVER_PROCEDURE),
        include('resources'),
      ],
      RECOVER_PROCEDURE,
    ),

    step: declaration('step', 'entity.name.function.step.muster', 'step-block', {
      nested: true,
      recover: RECOVER_PROCEDURE,
    }),
    'step-block': block(
      'step',
      [
        include('comments-nodoc'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        single('owner', [actorName], RECOVER_PROCEDURE),
        list('after', [stepName], RECOVER_PROCEDURE),
        single('takes', rangeValues, RECOVER_PROCEDURE),
        single('within', durationValues, RECOVER_PROCEDURE),
        list('requires', [include('requirement')], RECOVER_PROCEDURE, { parens: true }),
        list('notify', [actorName], RECOVER_PROCEDURE),
        single(
          'decision',
          [
            { match: word(DECISION_RULES), name: 'constant.language.decision-rule.muster' },
            // Any other word is E0001, which lists the rules.
            { match: `${B}${ID}`, name: 'invalid.illegal.decision-rule.muster' },
          ],
          RECOVER_PROCEDURE,
        ),
        list('activates', [procedureName], RECOVER_PROCEDURE),
      ],
      RECOVER_PROCEDURE,
    ),

    // ----------------------------------------------------------- conditions
    // `when` and its first operand.
    when: {
      name: 'meta.condition.muster',
      begin: `${B}(when)${E}`,
      beginCaptures: attr,
      end: afterOperand(RECOVER_PROCEDURE),
      patterns: operand,
    },
    // A binary operator and the operand after it. `&&`, `||` and a single
    // `=` are errors, but take their operand all the same.
    'condition-operator': {
      name: 'meta.condition.muster',
      begin: `(${word('and|or')})|(==|!=|<=|>=|<|>)|(&&|\\|\\||=)`,
      beginCaptures: {
        1: { name: 'keyword.operator.logical.muster' },
        2: { name: 'keyword.operator.comparison.muster' },
        3: { name: 'invalid.illegal.operator.muster' },
      },
      end: afterOperand(RECOVER_PROCEDURE),
      patterns: operand,
    },
    // `in [a, b]`
    'condition-in': {
      name: 'meta.condition.muster',
      begin: `${B}(in)${E}`,
      beginCaptures: { 1: { name: 'keyword.operator.in.muster' } },
      end: r`(?<=\])|(?=[^\s\[/])|` + RECOVER_PROCEDURE,
      patterns: [include('comments-nodoc'), include('condition-list')],
    },
    'condition-list': {
      begin: r`\[`,
      beginCaptures: { 0: { name: 'punctuation.section.brackets.begin.muster' } },
      end: r`(\])|(?=[{}"])|` + RECOVER_PROCEDURE,
      endCaptures: { 1: { name: 'punctuation.section.brackets.end.muster' } },
      patterns: [include('condition-expression'), include('comma')],
    },
    'condition-group': {
      begin: r`\(`,
      beginCaptures: { 0: { name: 'punctuation.section.parens.begin.muster' } },
      end: r`(\))|(?=[{}"])|` + RECOVER_PROCEDURE,
      endCaptures: { 1: { name: 'punctuation.section.parens.end.muster' } },
      patterns: [include('condition-expression')],
    },
    // Inside parentheses and brackets nothing but a condition can stand.
    'condition-expression': {
      patterns: [
        include('comments-nodoc'),
        include('condition-group'),
        include('condition-list'),
        { match: word('and|or|not'), name: 'keyword.operator.logical.muster' },
        { match: word('in'), name: 'keyword.operator.in.muster' },
        { match: '==|!=|<=|>=|<|>', name: 'keyword.operator.comparison.muster' },
        { match: r`&&|\|\||!|=`, name: 'invalid.illegal.operator.muster' },
        include('condition-atom'),
      ],
    },
    'condition-atom': {
      patterns: [
        include('duration'),
        include('integer'),
        include('number-invalid'),
        { match: word('true|false'), name: 'constant.language.boolean.muster' },
        // A fact, or a variant of the enumeration on the other side.
        nameAs('variable.other.muster'),
      ],
    },

    // ------------------------------------------------------------ scenarios
    scenario: declaration('scenario', 'entity.name.function.scenario.muster', 'scenario-block'),
    'scenario-block': block(
      'scenario',
      [
        include('comments'),
        include('incident'),
        include('inject'),
        include('expect'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        single('runs|seed', intValues, RECOVER_TOP),
        single('horizon', durationValues, RECOVER_TOP),
      ],
      RECOVER_TOP,
    ),

    incident: declaration('incident', 'entity.name.variable.incident.muster', 'incident-block', {
      nested: true,
    }),
    'incident-block': block(
      'incident',
      [
        include('comments-nodoc'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        single('at', durationValues, RECOVER_TOP),
        include('bind'),
        include('set'),
      ],
      RECOVER_TOP,
    ),

    inject: declaration('inject', 'entity.name.function.inject.muster', 'inject-block', {
      nested: true,
    }),
    'inject-block': block(
      'inject',
      [
        include('comments-nodoc'),
        { match: word('note'), name: 'keyword.other.attribute.muster' },
        single('at', durationValues, RECOVER_TOP),
        single('incident', [incidentName], RECOVER_TOP),
        include('set'),
        list('withdraw|restore', [include('requirement')], RECOVER_TOP, { parens: true }),
        // `delay PROCEDURE.STEP by DURATION, ...`
        list(
          'delay',
          [
            stepPath,
            {
              match: `${B}(by)${E}(?:\\s*(${DURATION_ANY}))?`,
              captures: {
                1: { name: 'keyword.other.delay.muster' },
                2: { patterns: [include('duration')] },
              },
            },
            ...durationValues,
          ],
          RECOVER_TOP,
          { also: '.', more: word('by') },
        ),
        list('block', [stepPath], RECOVER_TOP, { also: '.' }),
        single('from', [actorName], RECOVER_TOP),
        list('to', [actorName], RECOVER_TOP),
      ],
      RECOVER_TOP,
    ),

    // `bind ROLE = ACTOR, ...`
    bind: list(
      'bind',
      [
        {
          match: `${B}(${ID})(?=\\s*=)`,
          captures: { 1: { name: 'variable.other.actor.muster' } },
        },
        { match: '=', name: 'keyword.operator.assignment.muster' },
        actorName,
      ],
      RECOVER_TOP,
      { also: '=' },
    ),
    // `set FACT = VALUE, ...`: a value is a duration, an integer, `true`,
    // `false` or a variant.
    set: list(
      'set',
      [
        {
          match: `${B}(${ID})(?=\\s*=)`,
          captures: { 1: { name: 'variable.other.fact.muster' } },
        },
        { match: '=', name: 'keyword.operator.assignment.muster' },
        include('duration'),
        include('integer'),
        include('number-invalid'),
        { match: word('true|false'), name: 'constant.language.boolean.muster' },
        nameAs('variable.other.enummember.muster'),
      ],
      RECOVER_TOP,
      { also: '=' },
    ),

    // `expect` and its expectation, which may continue over lines: it ends
    // at the next member of the scenario or at its `}`. A name before a `.`
    // is a path, whatever word it is (`expect note.p activated`).
    expect: {
      name: 'meta.expectation.muster',
      begin: `${B}(expect)${E}`,
      beginCaptures: attr,
      end: `(?=\\})|(?=${B}(?:expect|incident|inject|runs|seed|horizon|note)(?![${W}.]))|${RECOVER_TOP}`,
      patterns: [
        include('comments'),
        {
          // INCIDENT.PROCEDURE or INCIDENT.PROCEDURE.STEP
          match: `${B}(${ID})\\s*(\\.)\\s*(${ID})(?:\\s*(\\.)\\s*(${ID}))?`,
          captures: {
            1: { name: 'variable.other.incident.muster' },
            2: { name: 'punctuation.accessor.muster' },
            3: { name: 'variable.other.procedure.muster' },
            4: { name: 'punctuation.accessor.muster' },
            5: { name: 'variable.other.step.muster' },
          },
        },
        {
          match: `${B}(of)${E}(?:\\s*(?:(${RESERVED})${E}|(${ID})))?`,
          captures: {
            1: { name: 'keyword.other.expectation.muster' },
            2: { name: 'invalid.illegal.reserved-name.muster' },
            3: { name: 'variable.other.resource.muster' },
          },
        },
        {
          match: word('within|activated|no|shortage|deadlines|met'),
          name: 'keyword.other.expectation.muster',
        },
        { match: word('not'), name: 'keyword.operator.logical.muster' },
        { match: word('in'), name: 'keyword.operator.in.muster' },
        { match: '%', name: 'keyword.other.unit.percent.muster' },
        include('duration'),
        include('integer'),
        include('number-invalid'),
        include('reserved'),
        otherWord,
      ],
    },
  },
};

const text = `${JSON.stringify(grammar, null, 2)}\n`;

function main() {
  if (!process.argv.includes('--check')) {
    fs.writeFileSync(out, text);
    return;
  }
  const committed = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (committed !== text) {
    console.error(`${path.relative(process.cwd(), out)} is stale: run \`npm run build-grammar\``);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}

export { grammar, text, out };
