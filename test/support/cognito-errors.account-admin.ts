/*
 * The account and admin methods' part of src/cognito/cognito-errors.spec.ts
 * (which spreads these into its tables).
 */
import type { HttpStatus } from '@nestjs/common';
import type {
  CognitoGateway,
  GatewayMethod,
} from '../../src/cognito/cognito.gateway.js';
import type { UserPoolOperation } from '../../src/cognito/user-pool.wire.js';

type Row = [GatewayMethod, string, HttpStatus, string];
type Call = (g: CognitoGateway) => Promise<unknown>;
type AccountAdminMethod = Extract<
  GatewayMethod,
  'updateProfile' | 'verifyEmail' | 'deleteUser' | `admin${string}`
>;

const m = (operations: UserPoolOperation[], call: Call) => ({
  operations,
  call,
});

export const ACCOUNT_ADMIN_METHODS: Record<
  AccountAdminMethod,
  { operations: UserPoolOperation[]; call: Call }
> = {
  updateProfile: m(['UpdateUserAttributes'], (g) =>
    g.updateProfile('t', { name: 'A', email: 'a@b.c' }),
  ),
  verifyEmail: m(['VerifyUserAttribute'], (g) => g.verifyEmail('t', '1')),
  deleteUser: m(['DeleteUser'], (g) => g.deleteUser('t')),
  adminListUsers: m(['ListUsers'], (g) => g.adminListUsers({})),
  adminCreateUser: m(['AdminCreateUser'], (g) =>
    g.adminCreateUser({ email: 'a@b.c', name: 'A' }),
  ),
  adminGetUser: m(['AdminGetUser'], (g) => g.adminGetUser('u')),
  adminSetEnabled: m(['AdminEnableUser', 'AdminDisableUser'], (g) =>
    g.adminSetEnabled('u', false),
  ),
  adminSetName: m(['AdminUpdateUserAttributes'], (g) =>
    g.adminSetName('u', 'A'),
  ),
  adminDeleteUser: m(['AdminDeleteUser'], (g) => g.adminDeleteUser('u')),
  adminAddToGroup: m(['AdminAddUserToGroup'], (g) =>
    g.adminAddToGroup('u', 'g'),
  ),
  adminRemoveFromGroup: m(['AdminRemoveUserFromGroup'], (g) =>
    g.adminRemoveFromGroup('u', 'g'),
  ),
  adminListGroups: m(['AdminListGroupsForUser'], (g) => g.adminListGroups('u')),
  adminGlobalSignOut: m(['AdminUserGlobalSignOut'], (g) =>
    g.adminGlobalSignOut('u'),
  ),
};

const ACCOUNT_TABLE: [string, HttpStatus, string][] = [
  ['NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['UserNotFoundException', 401, 'UNAUTHORIZED'],
  ['UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],
  ['InvalidParameterException', 400, 'VALIDATION_FAILED'],
];
const ADMIN_USER_METHODS: GatewayMethod[] = [
  'adminCreateUser',
  'adminGetUser',
  'adminSetEnabled',
  'adminSetName',
  'adminDeleteUser',
  'adminAddToGroup',
  'adminRemoveFromGroup',
  'adminListGroups',
  'adminGlobalSignOut',
];
const GROUP_METHODS: GatewayMethod[] = [
  'adminAddToGroup',
  'adminRemoveFromGroup',
];

/** Every name of the account and admin tables, with the contract's answer. */
export const ACCOUNT_ADMIN_ROWS: Row[] = [
  ...(['updateProfile', 'verifyEmail', 'deleteUser'] as const).flatMap(
    (method) =>
      ACCOUNT_TABLE.map(([name, status, code]): Row => [
        method,
        name,
        status,
        code,
      ]),
  ),
  ['updateProfile', 'AliasExistsException', 409, 'USER_EXISTS'],
  ['updateProfile', 'CodeDeliveryFailureException', 503, 'IDP_UNAVAILABLE'],
  ['updateProfile', 'CodeMismatchException', 400, 'VALIDATION_FAILED'],
  ['updateProfile', 'ExpiredCodeException', 400, 'VALIDATION_FAILED'],
  ['verifyEmail', 'AliasExistsException', 409, 'USER_EXISTS'],
  ['verifyEmail', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['verifyEmail', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  ['adminListUsers', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
  ...ADMIN_USER_METHODS.flatMap((method): Row[] => [
    [method, 'UserNotFoundException', 404, 'NOT_FOUND'],
    [method, 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
  ]),
  ['adminCreateUser', 'UsernameExistsException', 409, 'USER_EXISTS'],
  ['adminCreateUser', 'AliasExistsException', 409, 'USER_EXISTS'],
  ['adminCreateUser', 'CodeDeliveryFailureException', 503, 'IDP_UNAVAILABLE'],
  ['adminSetName', 'AliasExistsException', 409, 'USER_EXISTS'],
  ...GROUP_METHODS.map((method): Row => [
    method,
    'ResourceNotFoundException',
    404,
    'NOT_FOUND',
  ]),
];

/** Names that answer on their own here although they are 500 for every other method. */
export const OWN_ANSWER_ROWS: [GatewayMethod, string][] = GROUP_METHODS.map(
  (method) => [method, 'ResourceNotFoundException'],
);

/** Documented names deliberately left to 500 for the admin methods. */
export const ACCOUNT_ADMIN_500: [GatewayMethod, string, string][] = [
  ...['adminListUsers', ...ADMIN_USER_METHODS].map(
    (method): [GatewayMethod, string, string] => [
      method as GatewayMethod,
      'NotAuthorizedException',
      'the server credentials may not call the Admin operation: the operator fixes it',
    ],
  ),
  ...[
    'InvalidPasswordException',
    'PreconditionNotMetException',
    'UnsupportedUserStateException',
  ].map((name): [GatewayMethod, string, string] => [
    'adminCreateUser',
    name,
    'the app sends no temporary password and no MessageAction: a bug',
  ]),
];
