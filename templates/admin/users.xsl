<?xml version="1.0" encoding="UTF-8"?>
<!-- users.xsl: accounts for administrators: list, roles, status, create, erase -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Users")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Users")'/></h1>
      <p class="summary">
        <xsl:call-template name="number"><xsl:with-param name="value" select="users/total"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:value-of select='mkt:tr("accounts")'/>
      </p>
    </div>
    <xsl:apply-templates select="users"/>
  </xsl:template>

  <xsl:template match="users">
    <form class="card filters" method="get" action="/admin/users" role="search">
      <div class="field">
        <label for="u-q"><xsl:value-of select='mkt:tr("Find by email or name")'/></label>
        <input id="u-q" type="search" name="q" value="{q}" maxlength="100"/>
      </div>
      <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Find")'/></button>
    </form>

    <div class="table-wrap" role="region" aria-labelledby="users-caption" tabindex="0">
      <table class="data-table">
        <caption id="users-caption" class="visually-hidden"><xsl:value-of select='mkt:tr("Accounts")'/></caption>
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select='mkt:tr("Account")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Organisation")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Roles and status")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Erase")'/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="items/item">
            <xsl:variable name="user" select="."/>
            <tr>
              <th scope="row">
                <span class="service-name"><xsl:value-of select="name"/></span>
                <span class="provider"><xsl:value-of select="email"/></span>
              </th>
              <td><xsl:value-of select="organization"/></td>
              <td>
                <form method="post" action="/admin/users/{id}" class="inline-form">
                  <input type="hidden" name="csrf" value="{../../csrf}"/>
                  <input type="hidden" name="org" value="{organization}"/>
                  <xsl:for-each select="../../roles/item">
                    <xsl:variable name="role" select="name"/>
                    <label class="check">
                      <input type="checkbox" name="role_{name}" value="on">
                        <xsl:if test="$user/roles/item[. = $role]">
                          <xsl:attribute name="checked">checked</xsl:attribute>
                        </xsl:if>
                      </input>
                      <xsl:text> </xsl:text>
                      <xsl:value-of select="label"/>
                    </label>
                  </xsl:for-each>
                  <label class="check">
                    <span class="visually-hidden"><xsl:value-of select='mkt:tr("Status")'/></span>
                    <select name="status">
                      <option value="active">
                        <xsl:if test="status = 'active'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                        <xsl:value-of select='mkt:tr("Active")'/>
                      </option>
                      <option value="disabled">
                        <xsl:if test="status = 'disabled'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                        <xsl:value-of select='mkt:tr("Disabled")'/>
                      </option>
                    </select>
                  </label>
                  <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Save")'/></button>
                </form>
              </td>
              <td>
                <xsl:choose>
                  <xsl:when test="contains(email, '@erased.invalid')">
                    <xsl:value-of select='mkt:tr("erased")'/>
                  </xsl:when>
                  <xsl:when test="id = ../../me">
                    <xsl:value-of select='mkt:tr("This is you")'/>
                  </xsl:when>
                  <xsl:otherwise>
                    <form method="post" action="/admin/users/{id}/erase" class="inline-form">
                      <input type="hidden" name="csrf" value="{../../csrf}"/>
                      <button type="submit" class="button button-small button-danger"><xsl:value-of select='mkt:tr("Erase personal data")'/></button>
                    </form>
                  </xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>

    <nav class="pager" aria-label='{mkt:tr("Pagination")}'>
      <xsl:if test="links/prev[not(@null)]">
        <a rel="prev" href="{links/prev}"><xsl:value-of select='mkt:tr("Previous")'/></a>
      </xsl:if>
      <xsl:text> </xsl:text>
      <xsl:if test="links/next[not(@null)]">
        <a rel="next" href="{links/next}"><xsl:value-of select='mkt:tr("Next")'/></a>
      </xsl:if>
    </nav>

    <section class="card">
      <h2><xsl:value-of select='mkt:tr("Create an account")'/></h2>
      <form method="post" action="/admin/users" class="stack-form">
        <input type="hidden" name="csrf" value="{csrf}"/>
        <div class="field">
          <label for="n-email"><xsl:value-of select='mkt:tr("Email")'/></label>
          <input id="n-email" type="email" name="email" required="required" maxlength="254"/>
        </div>
        <div class="field">
          <label for="n-name"><xsl:value-of select='mkt:tr("Name")'/></label>
          <input id="n-name" type="text" name="name" required="required" maxlength="200"/>
        </div>
        <div class="field">
          <label for="n-password"><xsl:value-of select='mkt:tr("Initial password (at least 12 characters)")'/></label>
          <input id="n-password" type="password" name="password" required="required" minlength="12" autocomplete="new-password"/>
        </div>
        <div class="field">
          <label for="n-org"><xsl:value-of select='mkt:tr("Organisation")'/></label>
          <select id="n-org" name="org">
            <option value=""><xsl:value-of select='mkt:tr("none")'/></option>
            <xsl:for-each select="organizations/item">
              <option value="{slug}"><xsl:value-of select="name"/></option>
            </xsl:for-each>
          </select>
        </div>
        <fieldset class="field">
          <legend><xsl:value-of select='mkt:tr("Roles")'/></legend>
          <xsl:for-each select="roles/item">
            <label class="check">
              <input type="checkbox" name="role_{name}" value="on"/>
              <xsl:text> </xsl:text>
              <xsl:value-of select="label"/>
            </label>
          </xsl:for-each>
        </fieldset>
        <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Create")'/></button>
      </form>
    </section>
  </xsl:template>
</xsl:stylesheet>
