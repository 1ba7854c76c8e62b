import { TranslationBundle } from '@jupyterlab/translation';
import { Button, closeIcon, InputGroup } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IconButton } from './IconButton';

/** The form that adds a row: a text field parsed into a value, or null while invalid. */
interface IAddFormProps<A> {
  addLabel: string;
  addPlaceholder: string;
  parse: (text: string) => A | null;
  onAdd: (value: A) => void;
  trans: TranslationBundle;
}

/** A list whose rows can each be removed, followed by a form that adds one. */
export function EditableList<T, A>(
  props: IAddFormProps<A> & {
    items: T[];
    itemKey: (item: T) => string;
    /** Class of the <ul>. */
    listClassName: string;
    /** Class of each <li>. */
    itemClassName: string;
    renderItem: (item: T) => React.ReactNode;
    removeLabel: (item: T) => string;
    onRemove: (item: T) => void;
  }
): JSX.Element {
  const { trans } = props;
  return (
    <>
      {props.items.length > 0 ? (
        <ul className={props.listClassName}>
          {props.items.map(item => (
            <li key={props.itemKey(item)} className={props.itemClassName}>
              {props.renderItem(item)}
              <IconButton
                icon={closeIcon}
                label={props.removeLabel(item)}
                onClick={() => props.onRemove(item)}
              />
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-Containerize-empty">{trans.__('None.')}</p>
      )}
      <AddForm
        addLabel={props.addLabel}
        addPlaceholder={props.addPlaceholder}
        parse={props.parse}
        onAdd={props.onAdd}
        trans={trans}
      />
    </>
  );
}

function AddForm<A>(props: IAddFormProps<A>): JSX.Element {
  const [text, setText] = React.useState('');
  const parsed = props.parse(text);
  return (
    <form
      className="jp-Containerize-inlineForm"
      onSubmit={event => {
        event.preventDefault();
        if (parsed !== null) {
          props.onAdd(parsed);
          setText('');
        }
      }}
    >
      <InputGroup
        className="jp-Containerize-grow"
        aria-label={props.addLabel}
        aria-invalid={text.trim() !== '' && parsed === null}
        placeholder={props.addPlaceholder}
        value={text}
        onChange={event => setText(event.currentTarget.value)}
      />
      <Button
        type="submit"
        className="jp-mod-styled jp-mod-reject"
        disabled={parsed === null}
      >
        {props.trans.__('Add')}
      </Button>
    </form>
  );
}
