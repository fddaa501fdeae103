<?xml version="1.0" encoding="UTF-8"?>
<!-- account.xsl: "my account" (who I am, my organisation and roles, my live sessions with a revoke form each) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("My account")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <xsl:apply-templates select="account"/>
  </xsl:template>

  <xsl:template match="account">
    <xsl:variable name="csrf" select="string(../csrf)"/>

    <div class="page-head account-head">
      <p class="eyebrow"><xsl:value-of select='mkt:tr("My account")'/></p>
      <h1>
        <xsl:choose>
          <xsl:when test="normalize-space(name) != ''"><xsl:value-of select="name"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="email"/></xsl:otherwise>
        </xsl:choose>
      </h1>
    </div>

    <section class="card account-card" aria-labelledby="profile-h">
      <h2 id="profile-h"><xsl:value-of select='mkt:tr("Profile")'/></h2>
      <dl class="facts">
        <div>
          <dt><xsl:value-of select='mkt:tr("Email")'/></dt>
          <dd class="account-email"><xsl:value-of select="email"/></dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Organisation")'/></dt>
          <dd>
            <xsl:choose>
              <xsl:when test="normalize-space(organization/name) != ''"><xsl:value-of select="organization/name"/></xsl:when>
              <xsl:otherwise><span class="none"><xsl:value-of select='mkt:tr("none")'/></span></xsl:otherwise>
            </xsl:choose>
          </dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Roles")'/></dt>
          <dd>
            <xsl:choose>
              <xsl:when test="roles/item">
                <ul class="chips role-chips">
                  <xsl:for-each select="roles/item">
                    <li class="chip chip-role" data-role="{name}">
                      <xsl:choose>
                        <xsl:when test="normalize-space(label) != ''"><xsl:value-of select="label"/></xsl:when>
                        <xsl:otherwise><xsl:value-of select="name"/></xsl:otherwise>
                      </xsl:choose>
                    </li>
                  </xsl:for-each>
                </ul>
              </xsl:when>
              <xsl:otherwise><span class="none"><xsl:value-of select='mkt:tr("none")'/></span></xsl:otherwise>
            </xsl:choose>
          </dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Last sign-in")'/></dt>
          <dd><xsl:call-template name="datetime"><xsl:with-param name="value" select="last_login_at"/></xsl:call-template></dd>
        </div>
      </dl>
    </section>

    <xsl:if test="sessions/item">
      <div class="table-wrap sessions" role="region" aria-labelledby="sessions-caption" tabindex="0">
        <table class="data-table sessions-table">
          <caption id="sessions-caption"><xsl:value-of select='mkt:tr("Your sessions")'/></caption>
          <thead>
            <tr>
              <th scope="col"><xsl:value-of select='mkt:tr("Started")'/></th>
              <th scope="col"><xsl:value-of select='mkt:tr("Last seen")'/></th>
              <th scope="col"><xsl:value-of select='mkt:tr("Browser")'/></th>
              <th scope="col"><xsl:value-of select='mkt:tr("Address")'/></th>
              <th scope="col" class="cell-action"><span class="visually-hidden"><xsl:value-of select='mkt:tr("Actions")'/></span></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="sessions/item">
              <xsl:variable name="row" select="concat('session-', generate-id())"/>
              <tr>
                <xsl:if test="string(current) = 'true'">
                  <xsl:attribute name="class">is-current</xsl:attribute>
                </xsl:if>
                <th scope="row" id="{$row}" data-label='{mkt:tr("Started")}'><xsl:call-template name="datetime"><xsl:with-param name="value" select="created_at"/></xsl:call-template></th>
                <td data-label='{mkt:tr("Last seen")}'><xsl:call-template name="datetime"><xsl:with-param name="value" select="last_seen_at"/></xsl:call-template></td>
                <td class="cell-ua" id="{$row}-ua" data-label='{mkt:tr("Browser")}'>
                  <xsl:choose>
                    <xsl:when test="normalize-space(user_agent) != ''">
                      <span class="ua" title="{user_agent}"><xsl:value-of select="user_agent"/></span>
                    </xsl:when>
                    <xsl:otherwise>
                      <xsl:call-template name="none"><xsl:with-param name="title" select='mkt:tr("unknown")'/></xsl:call-template>
                    </xsl:otherwise>
                  </xsl:choose>
                </td>
                <td class="cell-addr" data-label='{mkt:tr("Address")}'>
                  <xsl:choose>
                    <xsl:when test="normalize-space(client_addr) != ''"><code><xsl:value-of select="client_addr"/></code></xsl:when>
                    <xsl:otherwise>
                      <xsl:call-template name="none"><xsl:with-param name="title" select='mkt:tr("unknown")'/></xsl:call-template>
                    </xsl:otherwise>
                  </xsl:choose>
                </td>
                <td class="cell-action">
                  <xsl:choose>
                    <xsl:when test="string(current) = 'true'">
                      <span class="session-current"><xsl:value-of select='mkt:tr("This session")'/></span>
                    </xsl:when>
                    <!-- Only a site-relative form target (never "//host" or a scheme). -->
                    <xsl:when test="starts-with(revoke, '/') and not(starts-with(revoke, '//'))">
                      <form class="revoke-form" method="post" action="{revoke}">
                        <input type="hidden" name="csrf" value="{$csrf}"/>
                        <button type="submit" class="button button-small button-danger" aria-describedby="{$row} {$row}-ua">
                          <xsl:value-of select='mkt:tr("Revoke")'/>
                        </button>
                      </form>
                    </xsl:when>
                    <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </xsl:if>

    <p class="account-actions">
      <a class="button" href="/account/export" type="application/json"><xsl:value-of select='mkt:tr("Download my data (JSON)")'/></a>
    </p>
  </xsl:template>

  <!-- An ISO timestamp as "YYYY-MM-DD HH:MM" in a <time>; null shows an em dash. -->
  <xsl:template name="datetime">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="normalize-space($value) = ''">
        <xsl:call-template name="none"><xsl:with-param name="title" select='mkt:tr("never")'/></xsl:call-template>
      </xsl:when>
      <xsl:when test="translate(substring($value, 1, 10), '0123456789', '0000000000') = '0000-00-00'">
        <time datetime="{$value}" title="{$value}"><xsl:value-of select="translate(substring($value, 1, 16), 'T', ' ')"/></time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
