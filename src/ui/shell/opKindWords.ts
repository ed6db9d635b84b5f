// The op-kind words live with the node, which words its alerts with them too.
export { plainOpKind } from '../../node/words/opKindWords.ts';
