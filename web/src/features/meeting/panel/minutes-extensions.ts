// The minutes editor's schema: Tiptap's StarterKit with its nodes and marks under the names
// the notes document uses (shared/notes-schema.ts: bullet_list, list_item, strong, em, …).
// The server's template and Markdown export read those names; y-prosemirror drops any element
// the editor's schema does not know, so a camelCase editor would delete the template's agenda.
import type { AnyExtension } from '@tiptap/core';
import { Bold } from '@tiptap/extension-bold';
import { CodeBlock } from '@tiptap/extension-code-block';
import { HardBreak } from '@tiptap/extension-hard-break';
import { HorizontalRule } from '@tiptap/extension-horizontal-rule';
import { Italic } from '@tiptap/extension-italic';
import { BulletList, ListItem, ListKeymap, OrderedList } from '@tiptap/extension-list';
import { StarterKit } from '@tiptap/starter-kit';

const NAMES = { bulletList: 'bullet_list', orderedList: 'ordered_list', listItem: 'list_item' } as const;

export function minutesExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      bold: false,
      italic: false,
      bulletList: false,
      orderedList: false,
      listItem: false,
      listKeymap: false,
      codeBlock: false,
      horizontalRule: false,
      hardBreak: false,
      // Not in the notes schema: the export would drop it.
      underline: false,
      // Collaboration brings its own undo, per person.
      undoRedo: false,
      link: { openOnClick: false, autolink: true },
    }),
    Bold.extend({ name: 'strong' }),
    Italic.extend({ name: 'em' }),
    BulletList.extend({ name: NAMES.bulletList }).configure({ itemTypeName: NAMES.listItem }),
    OrderedList.extend({ name: NAMES.orderedList }).configure({ itemTypeName: NAMES.listItem }),
    ListItem.extend({ name: NAMES.listItem }).configure({ bulletListTypeName: NAMES.bulletList, orderedListTypeName: NAMES.orderedList }),
    ListKeymap.configure({ listTypes: [{ itemName: NAMES.listItem, wrapperNames: [NAMES.bulletList, NAMES.orderedList] }] }),
    CodeBlock.extend({ name: 'code_block' }),
    HorizontalRule.extend({ name: 'horizontal_rule' }),
    HardBreak.extend({ name: 'hard_break' }),
  ];
}
