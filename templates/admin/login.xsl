<?xml version="1.0" encoding="UTF-8"?>
<!-- login.xsl: the sign-in page (email and password; a plain POST form that works without JavaScript) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Sign in")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <xsl:apply-templates select="login"/>
  </xsl:template>

  <xsl:template match="login">
    <xsl:variable name="has-error" select="normalize-space(error) != ''"/>
    <section class="auth-card" aria-labelledby="login-title">
      <img class="auth-logo" src="{$static}/img/logo.svg" width="40" height="40" alt=""/>
      <h1 id="login-title"><xsl:value-of select='mkt:tr("Sign in")'/></h1>

      <xsl:if test="$has-error">
        <div class="alert alert-error" role="alert" id="login-error">
          <p><xsl:value-of select="error"/></p>
        </div>
      </xsl:if>

      <form class="auth-form" method="post" action="/login">
        <input type="hidden" name="csrf" value="{csrf}"/>
        <input type="hidden" name="next" value="{next}"/>
        <div class="field">
          <label for="login-email"><xsl:value-of select='mkt:tr("Email")'/></label>
          <input id="login-email" type="email" name="email" value="{email}"
                 autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="254" required="required">
            <!-- focus the first field still to fill in; after a failure, point it at the message -->
            <xsl:if test="normalize-space(email) = ''">
              <xsl:attribute name="autofocus">autofocus</xsl:attribute>
            </xsl:if>
            <xsl:if test="$has-error">
              <xsl:attribute name="aria-describedby">login-error</xsl:attribute>
            </xsl:if>
          </input>
        </div>
        <div class="field">
          <label for="login-password"><xsl:value-of select='mkt:tr("Password")'/></label>
          <input id="login-password" type="password" name="password"
                 autocomplete="current-password" maxlength="1024" required="required">
            <xsl:if test="normalize-space(email) != ''">
              <xsl:attribute name="autofocus">autofocus</xsl:attribute>
            </xsl:if>
            <xsl:if test="$has-error">
              <xsl:attribute name="aria-describedby">login-error</xsl:attribute>
            </xsl:if>
          </input>
        </div>
        <button type="submit" class="button button-primary auth-submit"><xsl:value-of select='mkt:tr("Sign in")'/></button>
      </form>

      <p class="auth-hint"><xsl:value-of select='mkt:tr("Demo accounts are listed in the README.")'/></p>
    </section>
  </xsl:template>

</xsl:stylesheet>
