// One line that says what a Claude Code tool call is about, for the card's step list and an approval's text.
// The fields are those of Claude Code's own tools (sdk-tools.d.ts of the SDK); any other tool (MCP servers, newer
// tools) shows its first short string field.

const MAX = 120;

/** The input field that best names what each known tool works on. */
const SUBJECT: Record<string, string> = {
  Read: 'file_path',
  Write: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  NotebookEdit: 'notebook_path',
  Glob: 'pattern',
  Grep: 'pattern',
  WebFetch: 'url',
  WebSearch: 'query',
  Task: 'description',
  Agent: 'description',
  Skill: 'skill',
  Bash: 'command',
};

function oneLine(value: string): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
}

export function summarizeToolInput(toolName: string, input: Record<string, unknown>): string {
  const field = SUBJECT[toolName];
  const named = field ? input[field] : undefined;
  if (typeof named === 'string') return oneLine(named);
  if (toolName === 'AskUserQuestion' && Array.isArray(input.questions)) {
    const first = input.questions[0] as { question?: unknown } | undefined;
    if (typeof first?.question === 'string') return oneLine(first.question);
  }
  const firstString = Object.values(input).find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return firstString ? oneLine(firstString) : '';
}
