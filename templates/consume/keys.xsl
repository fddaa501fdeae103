<?xml version="1.0" encoding="UTF-8"?>
<!-- keys.xsl: a person's API keys: the list with rotate and revoke forms, a new key's secret (shown once), the create form -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <!-- The form token: the view model's, else the session's. -->
  <xsl:variable name="csrf">
    <xsl:choose>
      <xsl:when test="normalize-space(/page/data/csrf) != ''"><xsl:value-of select="/page/data/csrf"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/page/meta/csrf"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("API keys")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("API keys")'/></h1>
      <p class="page-intro">
        <xsl:value-of select='mkt:tr("Your programs call the services you subscribe to through the gateway with these keys.")'/>
        <xsl:text> </xsl:text>
        <a href="/subscriptions"><xsl:value-of select='mkt:tr("Your subscriptions")'/></a>
        <span class="sep" aria-hidden="true"> · </span>
        <a href="/usage"><xsl:value-of select='mkt:tr("Usage and spend")'/></a>
      </p>
    </div>

    <xsl:if test="normalize-space(error) != ''">
      <div class="alert alert-error" role="alert" id="keys-error">
        <p><xsl:value-of select="error"/></p>
      </div>
    </xsl:if>
    <xsl:if test="notice = 'revoked'">
      <p class="callout callout-attention" role="status">
        <xsl:value-of select='mkt:tr("The key has been revoked: the gateway refuses every call made with it from now on.")'/>
      </p>
    </xsl:if>

    <xsl:apply-templates select="created[secret]"/>

    <xsl:choose>
      <xsl:when test="keys/item">
        <xsl:apply-templates select="keys"/>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("You have no API keys yet.")'/></p>
          <p><xsl:value-of select='mkt:tr("Create one below, then send it as a bearer token with each call.")'/></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:call-template name="create-form"/>
  </xsl:template>

  <!-- ===== A new key: its secret, shown this once, and a call to try it ===== -->
  <xsl:template match="created">
    <xsl:variable name="secret" select="string(secret)"/>
    <xsl:variable name="base">
      <xsl:choose>
        <xsl:when test="starts-with(base_url, 'http://') or starts-with(base_url, 'https://')"><xsl:value-of select="base_url"/></xsl:when>
        <xsl:when test="starts-with(../base_url, 'http://') or starts-with(../base_url, 'https://')"><xsl:value-of select="../base_url"/></xsl:when>
        <xsl:otherwise>http://127.0.0.1:8080/v1</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <!-- The model of the example: the key's first service, else the first subscribed one. -->
    <xsl:variable name="model">
      <xsl:choose>
        <xsl:when test="key/scopes/item"><xsl:value-of select="key/scopes/item[1]"/></xsl:when>
        <xsl:when test="../services/item"><xsl:value-of select="../services/item[1]/slug"/></xsl:when>
        <xsl:otherwise>SERVICE</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <section class="card secret-card" id="new-key" aria-labelledby="new-key-h">
      <h2 id="new-key-h">
        <xsl:choose>
          <xsl:when test="key/replaces/id"><xsl:value-of select='mkt:tr("Your rotated API key")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("Your new API key")'/></xsl:otherwise>
        </xsl:choose>
        <xsl:text>: </xsl:text>
        <xsl:value-of select="key/name"/>
      </h2>
      <p class="secret-warning" id="new-secret-note">
        <strong><xsl:value-of select='mkt:tr("Copy it now: it is shown this once and never again.")'/></strong>
        <xsl:text> </xsl:text>
        <xsl:value-of select='mkt:tr("The marketplace keeps only a fingerprint of it; if you lose it, rotate or revoke the key and make a new one.")'/>
      </p>
      <div class="field secret-field">
        <label for="new-secret"><xsl:value-of select='mkt:tr("Secret key")'/></label>
        <input id="new-secret" class="secret-input" type="text" readonly="readonly" value="{$secret}"
               spellcheck="false" autocomplete="off" autocapitalize="off" aria-describedby="new-secret-note"/>
      </div>
      <xsl:if test="key/replaces/id">
        <p class="field-hint">
          <xsl:choose>
            <xsl:when test="key/replaces/state = 'expired'">
              <xsl:value-of select='mkt:tr("The old key no longer works.")'/>
            </xsl:when>
            <xsl:otherwise>
              <xsl:value-of select='mkt:tr("The old key keeps working until")'/>
              <xsl:text> </xsl:text>
              <xsl:call-template name="datetime"><xsl:with-param name="value" select="key/replaces/expires_at"/></xsl:call-template>
              <xsl:text>.</xsl:text>
            </xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:if>
      <h3 class="card-subhead"><xsl:value-of select='mkt:tr("Try it")'/></h3>
      <p class="field-hint"><xsl:value-of select='mkt:tr("Keep the key in an environment variable rather than in your code:")'/></p>
      <pre class="code"><code><xsl:text>export MARKETPLACE_API_KEY=</xsl:text><xsl:value-of select="$secret"/></code></pre>
      <p class="field-hint"><xsl:value-of select='mkt:tr("A first call, ready to paste into a shell:")'/></p>
      <pre class="code"><code>
        <xsl:text>curl </xsl:text><xsl:value-of select="$base"/><xsl:text>/chat/completions \&#10;</xsl:text>
        <xsl:text>  -H "Authorization: Bearer </xsl:text><xsl:value-of select="$secret"/><xsl:text>" \&#10;</xsl:text>
        <xsl:text>  -H "Content-Type: application/json" \&#10;</xsl:text>
        <xsl:text>  -d '{"model": "</xsl:text><xsl:value-of select="$model"/>
        <xsl:text>", "messages": [{"role": "user", "content": "Hello"}]}'</xsl:text>
      </code></pre>
    </section>
  </xsl:template>

  <!-- ===== The list ===== -->
  <xsl:template match="keys">
    <div class="table-wrap" role="region" aria-labelledby="keys-caption" tabindex="0">
      <table class="data-table keys-table">
        <caption id="keys-caption">
          <xsl:value-of select='mkt:tr("Your API keys")'/>
          <xsl:text> </xsl:text>
          <span class="caption-count">(<xsl:value-of select="count(item)"/>)</span>
        </caption>
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select='mkt:tr("Key")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Services")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Created")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Last used")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Actions")'/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:apply-templates select="item" mode="key"/>
        </tbody>
      </table>
    </div>
  </xsl:template>

  <xsl:template match="item" mode="key">
    <xsl:variable name="row" select="concat('key-', id)"/>
    <tr id="{$row}">
      <xsl:if test="state = 'revoked' or state = 'expired'">
        <xsl:attribute name="class">is-inactive</xsl:attribute>
      </xsl:if>
      <th scope="row">
        <span class="key-name" id="{$row}-name"><xsl:value-of select="name"/></span>
        <code class="key-display"><xsl:value-of select="display"/></code>
        <xsl:if test="normalize-space(requests_per_minute) != ''">
          <span class="provider">
            <xsl:call-template name="number"><xsl:with-param name="value" select="requests_per_minute"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:value-of select='mkt:tr("requests per minute at most")'/>
          </span>
        </xsl:if>
      </th>
      <td class="cell-scopes">
        <xsl:choose>
          <xsl:when test="scopes/item">
            <ul class="chips">
              <xsl:for-each select="scopes/item">
                <li class="chip"><a href="/services/{.}"><xsl:value-of select="."/></a></li>
              </xsl:for-each>
            </ul>
          </xsl:when>
          <xsl:otherwise><span class="muted"><xsl:value-of select='mkt:tr("all your services")'/></span></xsl:otherwise>
        </xsl:choose>
      </td>
      <td>
        <xsl:call-template name="key-state"/>
        <span class="provider">
          <xsl:choose>
            <xsl:when test="normalize-space(revoked_at) != ''">
              <xsl:value-of select='mkt:tr("revoked")'/>
              <xsl:text> </xsl:text>
              <xsl:call-template name="datetime"><xsl:with-param name="value" select="revoked_at"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="normalize-space(expires_at) != ''">
              <xsl:choose>
                <xsl:when test="state = 'expired'"><xsl:value-of select='mkt:tr("expired")'/></xsl:when>
                <xsl:otherwise><xsl:value-of select='mkt:tr("until")'/></xsl:otherwise>
              </xsl:choose>
              <xsl:text> </xsl:text>
              <xsl:call-template name="datetime"><xsl:with-param name="value" select="expires_at"/></xsl:call-template>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select='mkt:tr("never expires")'/></xsl:otherwise>
          </xsl:choose>
        </span>
        <xsl:if test="normalize-space(rotated_to) != ''">
          <span class="provider"><xsl:value-of select='mkt:tr("replaced by a newer key")'/></span>
        </xsl:if>
      </td>
      <td><xsl:call-template name="datetime"><xsl:with-param name="value" select="created_at"/></xsl:call-template></td>
      <td><xsl:call-template name="datetime"><xsl:with-param name="value" select="last_used_at"/></xsl:call-template></td>
      <td class="cell-actions">
        <xsl:if test="state = 'active' or state = 'expiring'">
          <form method="post" action="/keys/{id}/rotate" class="inline-form key-action">
            <input type="hidden" name="csrf" value="{$csrf}"/>
            <label class="check" for="{$row}-overlap">
              <xsl:value-of select='mkt:tr("Old key works for")'/>
            </label>
            <select id="{$row}-overlap" name="overlap_seconds">
              <option value="0"><xsl:value-of select='mkt:tr("no longer")'/></option>
              <option value="3600"><xsl:value-of select='mkt:tr("1 hour")'/></option>
              <option value="86400" selected="selected"><xsl:value-of select='mkt:tr("24 hours")'/></option>
              <option value="604800"><xsl:value-of select='mkt:tr("7 days")'/></option>
            </select>
            <button type="submit" class="button button-small" aria-describedby="{$row}-name">
              <xsl:value-of select='mkt:tr("Rotate key")'/>
            </button>
          </form>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="state != 'revoked'">
            <form method="post" action="/keys/{id}/revoke" class="inline-form key-action">
              <input type="hidden" name="csrf" value="{$csrf}"/>
              <button type="submit" class="button button-small button-danger" aria-describedby="{$row}-name">
                <xsl:value-of select='mkt:tr("Revoke key")'/>
              </button>
            </form>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
        </xsl:choose>
      </td>
    </tr>
  </xsl:template>

  <!-- A key's state as a badge: active, expiring (has an end), expired, revoked. -->
  <xsl:template name="key-state">
    <xsl:param name="state" select="string(state)"/>
    <xsl:choose>
      <xsl:when test="$state = 'active'"><span class="badge badge-active"><xsl:value-of select='mkt:tr("Active")'/></span></xsl:when>
      <xsl:when test="$state = 'expiring'"><span class="badge badge-deprecated"><xsl:value-of select='mkt:tr("Expiring")'/></span></xsl:when>
      <xsl:when test="$state = 'expired'"><span class="badge badge-retired"><xsl:value-of select='mkt:tr("Expired")'/></span></xsl:when>
      <xsl:when test="$state = 'revoked'"><span class="badge badge-suspended"><xsl:value-of select='mkt:tr("Revoked")'/></span></xsl:when>
      <xsl:otherwise><span class="badge badge-unknown"><xsl:value-of select="$state"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ===== A new key ===== -->
  <xsl:template name="create-form">
    <section class="card key-create" aria-labelledby="create-h">
      <h2 id="create-h"><xsl:value-of select='mkt:tr("Create a key")'/></h2>
      <form method="post" action="/keys" class="publish-form" accept-charset="UTF-8">
        <input type="hidden" name="csrf" value="{$csrf}"/>
        <div class="form-grid">
          <div class="field">
            <label for="key-name">
              <xsl:value-of select='mkt:tr("Name")'/>
              <span class="required-mark" aria-hidden="true"> *</span>
            </label>
            <input id="key-name" type="text" name="name" required="required" maxlength="80" aria-describedby="key-name-h"/>
            <p class="field-hint" id="key-name-h"><xsl:value-of select='mkt:tr("Where the key will be used, for example “billing service, production”.")'/></p>
          </div>
          <div class="field">
            <label for="key-days">
              <xsl:value-of select='mkt:tr("Days until it expires")'/>
              <xsl:text> </xsl:text>
              <xsl:value-of select='mkt:tr("(optional)")'/>
            </label>
            <input id="key-days" type="number" name="expires_in_days" min="1" max="3650" step="1" inputmode="numeric" aria-describedby="key-days-h"/>
            <p class="field-hint" id="key-days-h"><xsl:value-of select='mkt:tr("From 1 to 3,650; empty: the key never expires.")'/></p>
          </div>
          <div class="field">
            <label for="key-rpm">
              <xsl:value-of select='mkt:tr("Requests per minute")'/>
              <xsl:text> </xsl:text>
              <xsl:value-of select='mkt:tr("(optional)")'/>
            </label>
            <input id="key-rpm" type="number" name="requests_per_minute" min="1" max="1000000" step="1" inputmode="numeric" aria-describedby="key-rpm-h"/>
            <p class="field-hint" id="key-rpm-h"><xsl:value-of select='mkt:tr("A limit of this key’s own, under the plan’s; empty: the plan’s limit only.")'/></p>
          </div>
          <div class="field field-wide">
            <label for="key-scopes">
              <xsl:value-of select='mkt:tr("Services")'/>
              <xsl:text> </xsl:text>
              <xsl:value-of select='mkt:tr("(optional)")'/>
            </label>
            <input id="key-scopes" type="text" name="scopes" maxlength="2000" spellcheck="false" autocapitalize="off"
                   aria-describedby="key-scopes-h key-scopes-list"/>
            <p class="field-hint" id="key-scopes-h"><xsl:value-of select='mkt:tr("Service names separated by commas; empty: every service you subscribe to.")'/></p>
            <p class="field-hint" id="key-scopes-list">
              <xsl:choose>
                <xsl:when test="services/item">
                  <xsl:value-of select='mkt:tr("You subscribe to:")'/>
                  <xsl:text> </xsl:text>
                  <xsl:for-each select="services/item">
                    <code><xsl:value-of select="slug"/></code>
                    <xsl:if test="normalize-space(name) != '' and name != slug">
                      <xsl:value-of select="concat(' (', name, ')')"/>
                    </xsl:if>
                    <xsl:if test="position() != last()">, </xsl:if>
                  </xsl:for-each>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:value-of select='mkt:tr("You subscribe to no service yet: choose a plan on a service’s page first.")'/>
                </xsl:otherwise>
              </xsl:choose>
            </p>
          </div>
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Create the key")'/></button>
        </div>
      </form>
    </section>
  </xsl:template>

  <!-- An ISO timestamp as "YYYY-MM-DD HH:MM" in a <time>; null shows an em dash. -->
  <xsl:template name="datetime">
    <xsl:param name="value"/>
    <xsl:param name="none" select='mkt:tr("never")'/>
    <xsl:choose>
      <xsl:when test="normalize-space($value) = ''">
        <xsl:call-template name="none"><xsl:with-param name="title" select="$none"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="translate(substring($value, 1, 10), '0123456789', '0000000000') = '0000-00-00'">
        <time datetime="{$value}" title="{$value}"><xsl:value-of select="translate(substring($value, 1, 16), 'T', ' ')"/></time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
