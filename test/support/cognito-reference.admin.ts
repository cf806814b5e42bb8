/*
 * The API reference for the Admin* operations (and ListUsers), for
 * src/cognito/cognito-errors.spec.ts; see cognito-reference.ts.
 */
import type { UserPoolOperation } from '../../src/cognito/user-pool.wire.js';

type AdminOperation = Extract<
  UserPoolOperation,
  `Admin${string}` | 'ListUsers'
>;

/** The errors each admin operation documents (API reference, checked 2026-11). */
export const ADMIN_DOCUMENTED: Record<AdminOperation, string[]> = {
  AdminCreateUser: [
    'CodeDeliveryFailureException',
    'InternalErrorException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidPasswordException',
    'InvalidSmsRoleAccessPolicyException',
    'InvalidSmsRoleTrustRelationshipException',
    'NotAuthorizedException',
    'PreconditionNotMetException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UnsupportedUserStateException',
    'UserLambdaValidationException',
    'UserNotFoundException',
    'UsernameExistsException',
  ],
  AdminGetUser: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
  AdminDisableUser: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
  AdminEnableUser: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
  AdminDeleteUser: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
  AdminUpdateUserAttributes: [
    'AliasExistsException',
    'InternalErrorException',
    'InvalidEmailRoleAccessPolicyException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidSmsRoleAccessPolicyException',
    'InvalidSmsRoleTrustRelationshipException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UserNotFoundException',
  ],
  AdminAddUserToGroup: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
  AdminRemoveUserFromGroup: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
  AdminListGroupsForUser: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
  ListUsers: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
  ],
  AdminUserGlobalSignOut: [
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotFoundException',
  ],
};
