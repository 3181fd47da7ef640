import { parseConfigChange } from '../config-change-listener';

describe('parseConfigChange', () => {
  it('reads what the trigger sends', () => {
    expect(parseConfigChange('{"table":"monitors","op":"UPDATE","id":"5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b"}')).toEqual({
      table: 'monitors',
      op: 'UPDATE',
      id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
    });
  });

  it.each([
    '',
    'not json',
    '{"table":"users","op":"INSERT","id":"1"}',
    '{"table":"monitors","op":"TRUNCATE","id":"1"}',
    '{"table":"monitors","op":"DELETE","id":""}',
  ])('ignores %s', (payload) => {
    expect(parseConfigChange(payload)).toBeNull();
  });
});
