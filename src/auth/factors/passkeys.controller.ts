import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../../openapi/api-errors.decorator.js';
import { AccessToken } from '../decorators/access-token.decorator.js';
import { RecentSignIn } from '../decorators/recent-sign-in.decorator.js';
import {
  PasskeyListResponse,
  PasskeyOptionsResponse,
  PasskeyResponse,
  RegisterPasskeyDto,
} from '../dto/passkey.dto.js';
import { PasswordlessRoute } from '../guards/passwordless-on.guard.js';
import { IpThrottlerGuard } from '../rate-limit/ip-throttler.guard.js';
import { PasskeyIdPipe } from './passkey-id.pipe.js';
import { PasskeysService } from './passkeys.service.js';

const OFF: [number, 'NOT_FOUND', string] = [
  HttpStatus.NOT_FOUND,
  'NOT_FOUND',
  'Cannot GET /api/v1/auth/passkeys',
];

/** The user's passkeys (Cognito's WebAuthn credentials). Needs the ACCESS token; 404 while AUTH_PASSWORDLESS is off. */
@ApiTags('passkeys')
@ApiBearerAuth()
@PasswordlessRoute()
@UseGuards(IpThrottlerGuard)
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "The user's passkeys",
    description:
      "ListWebAuthnCredentials: `id` is Cognito's CredentialId, `name` its FriendlyCredentialName. Needs the access token (an ID token is 401).",
  })
  @ApiErrors({ passwordless: ['listPasskeys'], answers: [OFF] })
  @ApiOkResponse({ type: PasskeyListResponse })
  async list(@AccessToken() accessToken: string): Promise<PasskeyListResponse> {
    return { items: await this.passkeys.list(accessToken) };
  }

  @Post('options')
  @RecentSignIn()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Start adding a passkey: the creation options',
    description:
      'StartWebAuthnRegistration. Pass `options` to `PublicKeyCredential.parseCreationOptionsFromJSON`, then `navigator.credentials.create`, and send `credential.toJSON()` to POST /auth/passkeys. Needs the access token of a recent sign-in (AUTH_RECENT_SIGN_IN_SECONDS, else 403 REAUTHENTICATION_REQUIRED).',
  })
  @ApiErrors({ passwordless: ['startPasskeyRegistration'], answers: [OFF] })
  @ApiOkResponse({ type: PasskeyOptionsResponse })
  async options(
    @AccessToken() accessToken: string,
  ): Promise<PasskeyOptionsResponse> {
    return { options: await this.passkeys.creationOptions(accessToken) };
  }

  @Post()
  @RecentSignIn()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Add a passkey',
    description:
      'CompleteWebAuthnRegistration with the RegistrationResponseJSON of `navigator.credentials.create` (`credential.toJSON()`), made with the options of POST /auth/passkeys/options. Answers the new passkey. Needs the access token of a recent sign-in (else 403 REAUTHENTICATION_REQUIRED).',
  })
  @ApiErrors({
    passwordless: ['completePasskeyRegistration', 'listPasskeys'],
    answers: [OFF],
  })
  @ApiCreatedResponse({ type: PasskeyResponse })
  register(
    @AccessToken() accessToken: string,
    @Body() dto: RegisterPasskeyDto,
  ): Promise<PasskeyResponse> {
    return this.passkeys.register(accessToken, dto.credential);
  }

  @Delete(':id')
  @RecentSignIn()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove a passkey',
    description:
      "DeleteWebAuthnCredential. 404 NOT_FOUND when the user has no passkey with this id (another user's included). Needs the access token of a recent sign-in (else 403 REAUTHENTICATION_REQUIRED).",
  })
  @ApiParam({
    name: 'id',
    description: "The passkey's id (Cognito's CredentialId, base64url)",
  })
  @ApiErrors({ passwordless: ['deletePasskey'], answers: [OFF] })
  @ApiNoContentResponse({ description: 'The passkey is removed' })
  async remove(
    @AccessToken() accessToken: string,
    @Param('id', PasskeyIdPipe) id: string,
  ): Promise<void> {
    await this.passkeys.remove(accessToken, id);
  }
}
