// What codex app-server asks of a turn's client, as pocket's questions: a command or a file change to approve, a
// question for the person, an MCP form pocket cannot show. Each request becomes a plan: ask the person and reply
// with what they chose, reply at once, or refuse. The turn (turn.ts) carries the plan out.
import type { AgentAnswer, AgentRequest } from '../../core/agents.js';
import { changePreview, displayCommand, displayPath } from './items.js';
import type { ApprovalReply, FileUpdateChange, ToolRequestUserInputQuestion } from './protocol.js';

export type RequestPlan =
  | { kind: 'ask'; question: AgentRequest; reply: (answer: AgentAnswer) => unknown }
  | { kind: 'respond'; result: unknown }
  | { kind: 'refuse'; message: string };

/**
 * The plan for one server request. `proposedChanges`: the changes of a fileChange item by its id (they come with the
 * item that starts just before its approval request, not with the request).
 */
export function planRequest(
  method: string,
  params: Record<string, unknown>,
  cwd: string,
  proposedChanges: (itemId: string) => FileUpdateChange[],
): RequestPlan {
  switch (method) {
    case 'item/commandExecution/requestApproval':
      return {
        kind: 'ask',
        question: {
          type: 'approval',
          tool: 'command',
          command: typeof params.command === 'string' ? displayCommand(params.command) : null,
          path: null,
          diff: null,
          reason: typeof params.reason === 'string' ? params.reason : null,
        },
        reply: approvalReply,
      };
    case 'item/fileChange/requestApproval': {
      const changes = proposedChanges(String(params.itemId));
      return {
        kind: 'ask',
        question: {
          type: 'approval',
          tool: 'file change',
          command: null,
          path: changes.length === 0 ? null : changes.map((change) => displayPath(change.path, cwd)).join(', '),
          diff: changes.length === 0 ? null : changePreview(changes, cwd),
          reason: typeof params.reason === 'string' ? params.reason : null,
        },
        reply: approvalReply,
      };
    }
    case 'item/tool/requestUserInput': {
      const questions = (params.questions ?? []) as ToolRequestUserInputQuestion[];
      return {
        kind: 'ask',
        question: {
          type: 'question',
          questions: questions.map((q) => ({
            header: q.header,
            question: q.question,
            options: (q.options ?? []).map((option) => ({ label: option.label, description: option.description })),
            multiSelect: false,
          })),
        },
        reply: (answer) => userInputReply(questions, answer),
      };
    }
    case 'mcpServer/elicitation/request':
      // An MCP server asking for a form pocket cannot show: declined, as a person who closed it would.
      return { kind: 'respond', result: { action: 'decline', content: null, _meta: null } };
    default:
      return { kind: 'refuse', message: `pocket cannot answer ${method}` };
  }
}

/** True when the reply refused (a declined approval), so the turn watches for codex stalling after it. */
export function isRefusal(result: unknown): boolean {
  return typeof result === 'object' && result !== null && 'decision' in result && result.decision === 'decline';
}

function approvalReply(answer: AgentAnswer): { decision: ApprovalReply } {
  if (answer.type !== 'approval') return { decision: 'decline' };
  if (answer.decision === 'allow') return { decision: 'accept' };
  if (answer.decision === 'allow-session') return { decision: 'acceptForSession' };
  return { decision: 'decline' };
}

function userInputReply(questions: readonly ToolRequestUserInputQuestion[], answer: AgentAnswer): unknown {
  const answers: Record<string, { answers: string[] }> = {};
  if (answer.type === 'question') {
    questions.forEach((question, index) => {
      const given = answer.answers[index];
      if (given !== undefined) answers[question.id] = { answers: [given] };
    });
  }
  return { answers };
}
